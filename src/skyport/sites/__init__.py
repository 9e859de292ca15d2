"""Remote sites as the core sees them: configured gates and the partitions created on them."""
