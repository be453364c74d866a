package io.qfserving.service.experiment.web;

import io.qfserving.service.errors.ErrorKind;
import io.qfserving.service.errors.ServingException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.springframework.stereotype.Component;

/** Checks an {@code Authorization: Bearer <token>} header against the configured admin token. */
@Component
class AdminAuthorization {

    private static final String BEARER = "Bearer ";

    private final AdminProperties properties;

    AdminAuthorization(AdminProperties properties) {
        this.properties = properties;
    }

    /**
     * @throws ServingException UNAUTHENTICATED without a bearer token, FORBIDDEN with a wrong one or
     *     when no admin token is configured
     */
    void check(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            throw new ServingException(ErrorKind.UNAUTHENTICATED, "the admin API needs an 'Authorization: Bearer <token>' header");
        }
        String expected = properties.currentToken().orElseThrow(() -> new ServingException(ErrorKind.FORBIDDEN,
                "the admin API is disabled: no admin token is configured (qf.admin.token or qf.admin.token-file)"));
        byte[] given = authorization.substring(BEARER.length()).strip().getBytes(StandardCharsets.UTF_8);
        // Constant-time comparison: the time taken must not tell how much of the token was right.
        if (!MessageDigest.isEqual(given, expected.getBytes(StandardCharsets.UTF_8))) {
            throw new ServingException(ErrorKind.FORBIDDEN, "the admin token is not valid");
        }
    }
}
