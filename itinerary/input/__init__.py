"""Reading the visit file: hardened YAML, the contract, located errors."""
