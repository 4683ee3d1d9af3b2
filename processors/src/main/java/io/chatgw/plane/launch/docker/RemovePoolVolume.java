package io.chatgw.plane.launch.docker;

import com.github.dockerjava.api.exception.NotFoundException;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Removes the volume of an unclaimed warm-pool container (body: the volume's name) once the container is gone: no
 * user's data is on it. Users' volumes are never removed by the gateway. camel-docker has no volume operation, so this
 * goes through its client. Gone already is fine.
 */
@Component("removePoolVolume")
public class RemovePoolVolume implements Processor {

    private final String host;

    public RemovePoolVolume(@Value("${gateway.plane.docker.host:/var/run/docker.sock}") String host) {
        this.host = host;
    }

    @Override
    public void process(Exchange exchange) {
        String volume = exchange.getIn().getBody(String.class);
        if (volume == null || !volume.contains("-pool-")) {
            throw new IllegalArgumentException("only a warm-pool volume is removed, not " + volume);
        }
        try {
            CreatePlaneContainer.client(exchange.getContext(), host).removeVolumeCmd(volume).exec();
        } catch (NotFoundException gone) {
            // removed already
        }
    }
}
