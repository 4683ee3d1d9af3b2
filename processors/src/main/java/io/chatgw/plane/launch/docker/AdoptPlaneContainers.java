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
    private final io.chatgw.plane.launch.PlaneInstances instances;

    public AdoptPlaneContainers(ObjectProvider<DockerLauncher> launcher, io.chatgw.plane.launch.PlaneInstances instances,
                                @Value("${gateway.plane.docker.deployment:default}") String deployment) {
        this.launcher = launcher;
        this.instances = instances;
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
            String org = labels.get(PlaneContainer.LABEL_ORG);
            String vm = labels.get(PlaneContainer.LABEL_VM);
            if (user == null && "true".equals(labels.get(PlaneContainer.LABEL_POOL))) {
                // a claimed warm-pool container is its user's by the row naming it; an unclaimed one is removed (refilled fresh)
                Map<String, Object> row = nameOf(c) == null ? null : instances.liveRowOfContainer(nameOf(c));
                user = row == null ? null : (String) row.get("user_id");
                org = row == null ? null : (String) row.get("org_id");
                vm = row == null ? null : (String) row.get("vm_id");
            }
            boolean running = "running".equals(c.getState()) || "paused".equals(c.getState());
            if (running && user != null && docker.adopt(user, org, vm, c.getId())) {
                adopted++;
            } else if (user == null && "true".equals(labels.get(PlaneContainer.LABEL_POOL)) && nameOf(c) != null
                    && nameOf(c).startsWith(WarmPool.namePrefix(deployment))) {
                docker.removeUnclaimed(c.getId(), nameOf(c)); // an unclaimed member: refilled fresh below
                removed++;
            } else {
                docker.remove(c.getId(), "orphan"); // the volume stays
                removed++;
            }
        }
        log.info("plane containers of deployment {}: {} adopted, {} removed", deployment, adopted, removed);
        docker.refillPool();
    }

    /** The container's name without the leading slash, or null. */
    private static String nameOf(Container c) {
        String[] names = c.getNames();
        return names == null || names.length == 0 ? null : names[0].startsWith("/") ? names[0].substring(1) : names[0];
    }
}
