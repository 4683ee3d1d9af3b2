package io.chatgw.plane.launch.docker;

import com.github.dockerjava.api.model.Event;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * An event of the engine's stream ({@code docker:events}): for a container of this deployment, {@code oom} is noted and
 * {@code die} reported to the launcher (a crash unless the gateway stopped it). Other events are ignored.
 */
@Component("readContainerEvent")
public class ReadContainerEvent implements Processor {

    private final ObjectProvider<DockerLauncher> launcher;
    private final String deployment;

    public ReadContainerEvent(ObjectProvider<DockerLauncher> launcher,
                              @org.springframework.beans.factory.annotation.Value("${gateway.plane.docker.deployment:default}") String deployment) {
        this.launcher = launcher;
        this.deployment = deployment;
    }

    @Override
    public void process(Exchange exchange) {
        DockerLauncher docker = launcher.getIfAvailable();
        Event event = exchange.getIn().getBody(Event.class);
        if (docker == null || event == null || event.getActor() == null || event.getType() == null
                || !"container".equals(event.getType().getValue())) {
            return;
        }
        Map<String, String> attributes = event.getActor().getAttributes();
        if (attributes == null || !deployment.equals(attributes.get(PlaneContainer.LABEL_DEPLOYMENT))) {
            return;
        }
        String action = event.getAction();
        String id = event.getActor().getId();
        if ("oom".equals(action)) {
            docker.outOfMemory(id);
        } else if ("die".equals(action)) {
            Integer code = null;
            try {
                code = Integer.valueOf(attributes.getOrDefault("exitCode", ""));
            } catch (NumberFormatException ignored) {
                // unknown code
            }
            docker.exited(id, code, code != null && code == 137 ? "killed" : "exited");
        }
    }
}
