package io.chatgw.plane.launch.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.HostConfig;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.docker.DockerClientFactory;
import org.apache.camel.component.docker.DockerComponent;
import org.apache.camel.component.docker.DockerConfiguration;
import org.apache.camel.component.docker.DockerConstants;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Creates a plane container (body: {@link PlaneContainer}) with camel-docker's client for the engine the routes use.
 * camel-docker's {@code containercreate} has headers for the image, env, binds and limits but none for labels, and
 * the labels are what adoption and crash detection go by; so this one call builds the create command itself.
 * Leaves the container id in the body and in {@code CamelDockerContainerId} for {@code containerstart}.
 */
@Component("createPlaneContainer")
public class CreatePlaneContainer implements Processor {

    private final String host;

    public CreatePlaneContainer(@Value("${gateway.plane.docker.host:/var/run/docker.sock}") String host) {
        this.host = host;
    }

    /** camel-docker's client for the engine at {@code host} (the one its endpoints use). */
    static DockerClient client(org.apache.camel.CamelContext camel, String host) {
        DockerConfiguration configuration = new DockerConfiguration();
        configuration.setHost(host);
        configuration.setSocket(true);
        return DockerClientFactory.getDockerClient(camel.getComponent("docker", DockerComponent.class), configuration, null);
    }

    @Override
    public void process(Exchange exchange) {
        PlaneContainer c = exchange.getIn().getBody(PlaneContainer.class);
        DockerClient client = client(exchange.getContext(), host);
        HostConfig hostConfig = HostConfig.newHostConfig()
                .withBinds(c.binds().stream().map(Bind::parse).toList())
                .withMemory(c.memoryBytes())
                .withMemorySwap(c.memoryBytes()) // no swap beyond the limit
                .withNanoCPUs(c.nanoCpus())
                .withNetworkMode(c.networkMode());
        try (CreateContainerCmd create = client.createContainerCmd(c.image())) {
            create.withName(c.name()).withLabels(c.labels()).withEnv(c.env()).withHostConfig(hostConfig);
            if (!c.command().isEmpty()) {
                create.withCmd(c.command());
            }
            String id = create.exec().getId();
            exchange.getMessage().setBody(id);
            exchange.getMessage().setHeader(DockerConstants.DOCKER_CONTAINER_ID, id);
        }
    }
}
