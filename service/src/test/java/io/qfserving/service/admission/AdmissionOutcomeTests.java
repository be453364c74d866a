package io.qfserving.service.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.qfserving.service.errors.ErrorKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every transport reads a failure's meaning for the limit alike: HTTP by status, gRPC by code, streams by kind. */
class AdmissionOutcomeTests {

    @ParameterizedTest
    @EnumSource(ErrorKind.class)
    void eachFailureMeansTheSameToTheLimitWhicheverFormItTakes(ErrorKind kind) {
        Admission.Outcome expected = switch (kind) {
            case OVERLOADED, UNAVAILABLE, DEADLINE_EXCEEDED -> Admission.Outcome.OVERLOADED;
            default -> Admission.Outcome.OTHER;
        };
        assertThat(Admission.Outcome.of(kind)).isEqualTo(expected);
        assertThat(Admission.Outcome.ofHttp(kind.http().value())).isEqualTo(expected);
        if (kind != ErrorKind.BODY_TIMEOUT) {
            // A late body and a passed deadline share gRPC's DEADLINE_EXCEEDED, which counts as overload.
            assertThat(Admission.Outcome.ofGrpc(kind.grpc())).isEqualTo(expected);
        }
    }

    @Test
    void answersThatSucceededCountAsSuccesses() {
        assertThat(Admission.Outcome.ofHttp(200)).isEqualTo(Admission.Outcome.SUCCEEDED);
        assertThat(Admission.Outcome.ofGrpc(Status.Code.OK)).isEqualTo(Admission.Outcome.SUCCEEDED);
    }
}
