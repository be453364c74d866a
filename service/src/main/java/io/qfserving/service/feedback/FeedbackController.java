package io.qfserving.service.feedback;

import io.qfserving.runtime.manifest.ModelManifest;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /v1/feedback {"request_id": "...", "label": "n03888257"}}: the true class of a classified image. */
@RestController
@Tag(name = "feedback", description = "Ground truth for served predictions: online accuracy per variant")
class FeedbackController {

    record FeedbackRequest(String requestId, String label, Integer image) {}

    record FeedbackResponse(String requestId, int image, boolean correct,
            ModelManifest.Label predicted, ModelManifest.Label actual) {}

    private final FeedbackService feedback;

    FeedbackController(FeedbackService feedback) {
        this.feedback = feedback;
    }

    @Operation(summary = "Tell the server the true class of a classified image (image: its index in a batch, default 0)")
    @PostMapping("/v1/feedback")
    FeedbackResponse feedback(@RequestBody FeedbackRequest request) {
        FeedbackService.Verdict verdict = feedback.record(request.requestId(), request.label(),
                request.image() == null ? 0 : request.image());
        return new FeedbackResponse(verdict.requestId(), verdict.image(), verdict.correct(), verdict.predicted(), verdict.actual());
    }
}
