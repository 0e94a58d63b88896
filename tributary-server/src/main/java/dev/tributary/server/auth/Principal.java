package dev.tributary.server.auth;

import dev.tributary.server.ApiException;
import java.util.List;

/**
 * Who is calling: the token's public id and its scopes.
 *
 * @param tokenId the token's public id; changes it makes carry the origin {@code http:<tokenId>}
 * @param scopes what it may do
 */
public record Principal(String tokenId, List<Scope> scopes) {

    public boolean has(Scope wanted) {
        return scopes.stream().anyMatch(scope -> scope.grants(wanted));
    }

    /** Throws 403 unless the principal has {@code wanted}. */
    public void require(Scope wanted) {
        if (!has(wanted)) {
            throw ApiException.forbidden("this token lacks the scope " + wanted
                    + "; create one with: tributary token create --scope " + wanted);
        }
    }

    /** The origin recorded with changes this principal makes. */
    public String origin() {
        return "http:" + tokenId;
    }
}
