-- One database per service that owns relational state, plus one for the test suites.
CREATE DATABASE rc_checkout;
CREATE DATABASE rc_payment;
CREATE DATABASE rc_inventory;
CREATE DATABASE rc_analytics;
CREATE DATABASE rc_test;
