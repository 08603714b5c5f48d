"""The neutral model: the Problem, its rules, and how a trip becomes one."""
