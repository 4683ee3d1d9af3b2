package io.chatgw.plane.launch.docker;

import io.chatgw.plane.launch.PlaneStatus;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The safety net under the event stream (every {@code gateway.plane.poll-interval}): each container the launcher
 * knows is inspected; one found exited (or gone) is reported like an exit event.
 */
@Component("pollPlaneContainers")
public class PollPlaneContainers implements Processor {

    private static final Logger log = LoggerFactory.getLogger(PollPlaneContainers.class);

    private final ObjectProvider<DockerLauncher> launcher;
    private final ProducerTemplate routes;

    public PollPlaneContainers(ObjectProvider<DockerLauncher> launcher, ProducerTemplate routes) {
        this.launcher = launcher;
        this.routes = routes;
    }

    @Override
    public void process(Exchange exchange) {
        DockerLauncher docker = launcher.getIfAvailable();
        if (docker == null) {
            return;
        }
        docker.refillPool(); // should a refill have failed (the engine was away)
        {
            for (DockerLauncher.Started s : docker.started()) {
                PlaneStatus status;
                try {
                    status = routes.requestBody("direct:plane-container-poll", s.containerId(), PlaneStatus.class);
                } catch (RuntimeException e) {
                    if (!(DockerLauncher.rootMessage(e).contains("No such container"))) {
                        log.warn("could not inspect plane container {}: {}", DockerLauncher.shortId(s.containerId()),
                                DockerLauncher.rootMessage(e));
                        continue;
                    }
                    status = PlaneStatus.exited(null, "gone");
                }
                if (!status.running()) {
                    docker.exited(s.containerId(), status.exitCode(), "inspect");
                }
            }
        }
    }
}
