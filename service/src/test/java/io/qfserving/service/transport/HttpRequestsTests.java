package io.qfserving.service.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.qfserving.service.errors.ErrorKind;
import io.qfserving.service.errors.ServingException;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

/** A body received before the controller is used as it is, not read into a second array, and still limited. */
class HttpRequestsTests {

    @Test
    void aReceivedBodyIsTheBodyWithoutACopy() {
        byte[] received = {1, 2, 3};
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/v1/classify");
        request.setAttribute(HttpRequests.RECEIVED_BODY, received);

        assertThat(HttpRequests.body(request, 3)).isSameAs(received);
        assertThatThrownBy(() -> HttpRequests.body(request, 2))
                .isInstanceOfSatisfying(ServingException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.TOO_LARGE));
    }
}
