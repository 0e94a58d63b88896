/**
 * The record filter language ({@code status eq 'open' and age ge 18}): a bounded recursive-descent
 * parser with positioned errors, and evaluation over any record's top-level fields. The hub's
 * change feed and the offline client's local queries share it, so a filter means the same on both.
 */
package dev.tributary.filter;
