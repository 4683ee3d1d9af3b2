package io.chatgw.plane.launch.docker;

import com.github.dockerjava.api.model.Container;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * At the gateway's start (body: every container, {@code containerlist showAll}): this deployment's running plane
 * containers are adopted (one per user; they reconnect and resume by themselves), the others of this deployment
 * (stopped, or a second one for a user) are removed. Containers of other deployments are left alone.
 */
@Component("adoptPlaneContainers")
public class AdoptPlaneContainers implements Processor {

    private static final Logger log = LoggerFactory.getLogger(AdoptPlaneContainers.class);

    private final ObjectProvider<DockerLauncher> launcher;
    private final String deployment;

    public AdoptPlaneContainers(ObjectProvider<DockerLauncher> launcher,
                                @Value("${gateway.plane.docker.deployment:default}") String deployment) {
        this.launcher = launcher;
        this.deployment = deployment;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void process(Exchange exchange) {
        DockerLauncher docker = launcher.getIfAvailable();
        List<Container> containers = exchange.getIn().getBody(List.class);
        if (docker == null || containers == null) {
            return;
        }
        int adopted = 0;
        int removed = 0;
        for (Container c : containers) {
            Map<String, String> labels = c.getLabels();
            if (labels == null || !deployment.equals(labels.get(PlaneContainer.LABEL_DEPLOYMENT))) {
                continue;
            }
            String user = labels.get(PlaneContainer.LABEL_USER);
            boolean running = "running".equals(c.getState()) || "paused".equals(c.getState());
            if (running && user != null && docker.adopt(user, labels.get(PlaneContainer.LABEL_ORG),
                    labels.get(PlaneContainer.LABEL_VM), c.getId())) {
                adopted++;
            } else {
                docker.remove(c.getId(), "orphan"); // the volume stays
                removed++;
            }
        }
        log.info("plane containers of deployment {}: {} adopted, {} removed", deployment, adopted, removed);
    }
}
