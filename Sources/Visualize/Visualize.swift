// The Visualize module; see Package.swift for what it holds.
