"""The `tandem` command (`app.cli.commands`), the demo it can stage, and the multi-process
server it can start. An edge: it calls services and the composition root, nothing imports it."""
