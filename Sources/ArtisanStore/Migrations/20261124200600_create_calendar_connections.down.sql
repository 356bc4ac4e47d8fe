DROP TABLE calendar_connections;
