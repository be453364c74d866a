package io.qfserving.service.system;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class SystemConfiguration {

    /** The one clock everything time-based reads, so tests can replace it. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    OpenAPI openApi() {
        return new OpenAPI().info(new Info()
                .title("qf-serving")
                .version("v1")
                .description("Image classification with quantization-friendly MobileNets, float and int8: our own "
                        + "classify API (/v1) and the Open Inference Protocol v2 (/v2) that Triton and KServe clients speak. "
                        + "Errors are RFC 9457 problem details.")
                .license(new License().name("Apache-2.0")));
    }
}
