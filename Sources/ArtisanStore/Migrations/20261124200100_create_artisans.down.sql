DROP TABLE artisans;
