package io.chatgw.plane.launch.docker;

import com.github.dockerjava.api.command.InspectContainerResponse;
import io.chatgw.plane.launch.PlaneStatus;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/** An inspected container ({@code inspectcontainer}) as a {@link PlaneStatus}: running (paused too) or exited. */
@Component("readContainerState")
public class ReadContainerState implements Processor {

    @Override
    public void process(Exchange exchange) {
        InspectContainerResponse inspected = exchange.getIn().getBody(InspectContainerResponse.class);
        InspectContainerResponse.ContainerState state = inspected == null ? null : inspected.getState();
        PlaneStatus status;
        if (state == null) {
            status = PlaneStatus.NONE;
        } else if (Boolean.TRUE.equals(state.getRunning())) {
            status = PlaneStatus.RUNNING;
        } else {
            Long code = state.getExitCodeLong();
            status = PlaneStatus.exited(code == null ? null : code.intValue(),
                    Boolean.TRUE.equals(state.getOOMKilled()) ? "oom" : String.valueOf(state.getStatus()));
        }
        exchange.getMessage().setBody(status);
    }
}
