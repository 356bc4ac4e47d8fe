DROP TABLE external_busy_blocks;
