package io.qfserving.service;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class QfServingApplication {

    public static void main(String[] args) {
        SpringApplication.run(QfServingApplication.class, args);
    }
}
