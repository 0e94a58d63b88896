package dev.tributary.connectors.jdbc;
