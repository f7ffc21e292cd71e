DROP TABLE monthly_usage;
DROP TABLE licenses;
DROP TABLE customers;
