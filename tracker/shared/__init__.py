"""Helpers every feature may use: file sniffing, portable SQL, workbook plumbing, export sinks."""
