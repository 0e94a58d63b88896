/**
 * The hub's side of External System Adapters: configuring an adapter when its endpoint is put,
 * its parameters, and the Helper API ({@code POST /esa/helper}) that adapters call.
 */
package dev.tributary.server.esa;
