package dev.tributary.server.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tributary.server.ApiException;
import dev.tributary.server.Json;
import dev.tributary.server.auth.Authenticator;
import dev.tributary.server.auth.Principal;
import dev.tributary.server.auth.Scope;
import dev.tributary.store.AccessToken;
import dev.tributary.store.AccessTokens;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Access tokens over HTTP, for admins (the console's token page; {@code tributary token} does the
 * same on the command line): list the live ones (never a secret), create one (its secret is in
 * that answer only; the store keeps a hash), revoke one.
 */
public final class TokensApi {

    /** The most scopes a token may have. */
    static final int MAX_SCOPES = 50;
    /** The longest name a token may have. */
    static final int MAX_NAME = 100;
    /** The longest lifetime a token may be given (ten years). */
    static final Duration MAX_LIFETIME = Duration.ofDays(3650);

    private final AccessTokens tokens;
    private final long maxBodyBytes;
    private final java.util.function.Consumer<String> revoked;

    /** @param revoked told the id of each token revoked here, so this node stops accepting it at once */
    public TokensApi(AccessTokens tokens, long maxBodyBytes, java.util.function.Consumer<String> revoked) {
        this.tokens = tokens;
        this.revoked = revoked;
        this.maxBodyBytes = Math.min(maxBodyBytes, 64 * 1024);
    }

    public void register(JavalinConfig config) {
        config.routes.get("/v1/tokens", this::list);
        config.routes.post("/v1/tokens", this::create);
        config.routes.delete("/v1/tokens/{id}", this::revoke);
    }

    private void list(Context ctx) {
        Principal principal = Authenticator.principal(ctx);
        principal.require(Scope.ADMIN);
        List<AccessToken> live = tokens.list();
        Json.respond(ctx, 200, json -> {
            json.writeStartObject();
            json.writeStringField("kind", "tributary#tokens");
            json.writeArrayFieldStart("items");
            for (AccessToken token : live) {
                Json.MAPPER.writeTree(json, toJson(token, principal));
            }
            json.writeEndArray();
            json.writeEndObject();
        });
    }

    private void create(Context ctx) {
        Principal principal = Authenticator.principal(ctx);
        principal.require(Scope.ADMIN);
        JsonNode body = Json.readObject(Json.readBody(ctx, maxBodyBytes));
        List<String> problems = new ArrayList<>();
        body.fieldNames().forEachRemaining(field -> {
            if (!Set.of("name", "scopes", "expiresIn").contains(field)) {
                problems.add("'" + field + "' is not a field of a token; use name, scopes, expiresIn");
            }
        });
        String name = null;
        JsonNode nameNode = body.get("name");
        if (nameNode == null || !nameNode.isTextual() || nameNode.asText().isBlank()) {
            problems.add("'name' is required: a name for people, such as who or what uses the token");
        } else if (nameNode.asText().strip().length() > MAX_NAME) {
            problems.add("'name' may have at most " + MAX_NAME + " characters");
        } else {
            name = nameNode.asText().strip();
        }
        List<Scope> scopes = List.of();
        JsonNode scopesNode = body.get("scopes");
        if (scopesNode == null || !scopesNode.isArray() || scopesNode.isEmpty()) {
            problems.add("'scopes' is required: a list such as [\"read:notes\", \"write:notes\"] or [\"admin\"]");
        } else if (scopesNode.size() > MAX_SCOPES) {
            problems.add("'scopes' may have at most " + MAX_SCOPES + " entries");
        } else {
            List<String> texts = new ArrayList<>();
            for (JsonNode scope : scopesNode) {
                if (!scope.isTextual()) {
                    problems.add("'scopes' must hold texts; found " + Json.describe(scope));
                } else {
                    texts.add(scope.asText());
                }
            }
            try {
                scopes = Scope.parseAll(texts);
            } catch (IllegalArgumentException e) {
                problems.add("'scopes': " + e.getMessage());
            }
        }
        Duration lifetime = null;
        JsonNode expiresNode = body.get("expiresIn");
        if (expiresNode != null && !expiresNode.isNull()) {
            try {
                lifetime = Duration.parse(expiresNode.asText());
                if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(MAX_LIFETIME) > 0) {
                    problems.add("'expiresIn' must be positive and at most " + MAX_LIFETIME.toDays() + " days");
                    lifetime = null;
                }
            } catch (DateTimeParseException e) {
                problems.add("'expiresIn' must be an ISO-8601 duration such as P30D or PT12H; got '"
                        + shorten(expiresNode.asText()) + "'");
            }
        }
        if (!problems.isEmpty()) {
            throw new ApiException(400, "badRequest", "the token was not created: " + String.join("; ", problems), problems);
        }
        AccessTokens.IssuedToken issued = tokens.create(name, scopes.stream().map(Scope::toString).toList(), lifetime);
        ObjectNode answer = toJson(issued.token(), principal);
        answer.put("secret", issued.secret());
        ctx.header("Location", "/v1/tokens/" + issued.token().id());
        ctx.header("Cache-Control", "no-store");
        Json.respond(ctx, 201, json -> Json.MAPPER.writeTree(json, answer));
    }

    private void revoke(Context ctx) {
        Authenticator.principal(ctx).require(Scope.ADMIN);
        String id = ctx.pathParam("id");
        if (!id.matches("[0-9a-f]{1,64}") || !tokens.revoke(id)) {
            throw ApiException.notFound("no live token '" + shorten(id) + "' (unknown, or already revoked)");
        }
        revoked.accept(id);
        ctx.status(204);
    }

    private static ObjectNode toJson(AccessToken token, Principal caller) {
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("kind", "tributary#token");
        json.put("id", token.id());
        json.put("name", token.name());
        json.putPOJO("scopes", token.scopes());
        json.put("created", token.createdAt().toString());
        json.put("expires", token.expiresAt() == null ? null : token.expiresAt().toString());
        json.put("lastUsed", token.lastUsedAt() == null ? null : token.lastUsedAt().toString());
        json.put("self", token.id().equals(caller.tokenId()));
        return json;
    }

    private static String shorten(String text) {
        return text.length() > 60 ? text.substring(0, 60) + "…" : text;
    }
}
