// The ImageIO module; see Package.swift for what it holds.
