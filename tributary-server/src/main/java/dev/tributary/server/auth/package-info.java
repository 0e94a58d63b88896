/**
 * Bearer-token authentication and scopes. Tokens are issued with {@code tributary token create}
 * and stored hashed; every endpoint but {@code /health} needs one, and each handler states the
 * scope it needs through {@link dev.tributary.server.auth.Principal#require}.
 */
package dev.tributary.server.auth;
