"""live: a swarm of one-eyed creatures fills in what a visitor draws."""
