"""CLI sub-commands by area; ``orderport.cli`` registers each module's ``register(app)``."""
