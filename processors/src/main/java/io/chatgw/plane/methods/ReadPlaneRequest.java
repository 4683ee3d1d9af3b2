package io.chatgw.plane.methods;

import io.chatgw.plane.socket.PlaneConnection;
import io.chatgw.plane.socket.PlaneFrameException;
import io.chatgw.plane.link.PlaneLink;
import io.chatgw.plane.socket.ReadPlaneFrame;
import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.springframework.stereotype.Component;

/**
 * request: checks the frame's shape and names the method; the request itself is served off the plane's
 * frame sequence (a wire-tap in routes/plane.yaml) by the route {@code vm-method-<method>}.
 */
@Component("readPlaneRequest")
public class ReadPlaneRequest implements Processor {

    public static final String METHOD = "planeMethod";
    public static final String REQUEST_ID = "planeRequestId";
    public static final String PARAMS = "planeParams";
    public static final String STARTED = "planeRequestStarted";

    @Override
    public void process(Exchange exchange) {
        JsonNode frame = exchange.getProperty(ReadPlaneFrame.FRAME, JsonNode.class);
        String id = ReadPlaneFrame.text(frame, "id");
        String method = ReadPlaneFrame.text(frame, "method");
        JsonNode params = frame.get("params");
        if (params != null && !params.isNull() && !params.isObject()) {
            throw new PlaneFrameException("invalid_frame", "'params' must be an object");
        }
        PlaneLink link = exchange.getProperty(PlaneConnection.LINK, PlaneLink.class);
        if (!link.openRequests().open(id)) {
            throw new PlaneFrameException("duplicate_request_id",
                    "request id is still unanswered; ids are unique per connection");
        }
        exchange.getIn().setHeader(METHOD, method);
        exchange.getIn().setHeader(REQUEST_ID, id);
        exchange.setProperty(PARAMS, params == null || params.isNull() ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode() : params);
        exchange.setProperty(STARTED, System.nanoTime());
    }
}
