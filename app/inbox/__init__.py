"""The team inbox: views and filters over conversations, changes with their audit trail,
assignment rules, search and contacts. Framework-free: the API routers call into it."""
