package io.qfserving.service.experiment.web;

import io.qfserving.service.experiment.CurrentVersions;
import io.qfserving.service.repository.ModelRef;
import io.qfserving.service.repository.ModelRepository;
import io.qfserving.service.repository.ModelStatus;
import io.qfserving.service.repository.ServedModel;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** The model versions this replica serves now, from its repository. */
@Component
class RepositoryVersions implements CurrentVersions {

    private final ModelRepository repository;

    RepositoryVersions(ModelRepository repository) {
        this.repository = repository;
    }

    @Override
    public Optional<String> of(ModelRef ref) {
        Optional<ModelStatus> model = repository.model(ref.model());
        return ref.version() != null
                ? model.filter(m -> m.isReady(ref.version())).map(m -> ref.version())
                : model.flatMap(ModelStatus::newestReady).map(ServedModel::version);
    }
}
