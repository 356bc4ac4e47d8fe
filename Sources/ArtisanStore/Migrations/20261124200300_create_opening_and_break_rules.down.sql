DROP TABLE break_rules;
DROP TABLE opening_rules;
