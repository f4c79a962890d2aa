// The Lessons module; see Package.swift for what it holds.
