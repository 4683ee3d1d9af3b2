package io.chatgw.http;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.fn.RouterFunctionData;
import org.springdoc.webflux.core.visitor.RouterFunctionVisitor;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.reactive.function.server.RouterFunction;

/**
 * The OpenAPI 3 description at {@code /api/v1/openapi.json} (springdoc, {@code springdoc.api-docs.path}). springdoc
 * documents functional endpoints only when each carries a {@code @RouterOperation}; instead every route of every
 * {@link RouterFunction} bean is read with springdoc's own {@link RouterFunctionVisitor}, so an endpoint added to
 * any API is described without a second list to keep in step. A route's {@link #SUMMARY} attribute becomes its
 * summary. Every operation: bearer auth (JWT, or an API key under /v1/), path parameters, the error shapes.
 */
@Configuration(proxyBeanMethods = false)
public class OpenApiDescription {

    /** Route attribute: one line saying what the endpoint does. */
    public static final String SUMMARY = "openapi.summary";
    private static final Pattern PATH_VARIABLE = Pattern.compile("\\{([^}/]+)}");

    @Bean
    OpenAPI gatewayOpenApi() {
        return new OpenAPI()
                .info(new Info().title("chat-gateway").version("v1")
                        .description("Chat API (SSE), OpenAI-compatible API and admin API. docs/chat-api.md, "
                                + "docs/openai-api.md, docs/operations.md."))
                .components(new Components()
                        .addSecuritySchemes("bearer", new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer"))
                        .addSchemas("Error", errorSchema()));
    }

    @Bean
    OpenApiCustomizer routerFunctionPaths(ApplicationContext context) {
        return openApi -> {
            Paths paths = openApi.getPaths() == null ? new Paths() : openApi.getPaths();
            for (Map.Entry<String, RouterFunction> bean : context.getBeansOfType(RouterFunction.class).entrySet()) {
                RouterFunctionVisitor visitor = new RouterFunctionVisitor();
                bean.getValue().accept(visitor);
                for (RouterFunctionData route : visitor.getRouterFunctionDatas()) {
                    PathItem item = paths.computeIfAbsent(route.getPath(), p -> new PathItem());
                    for (RequestMethod method : route.getMethods()) {
                        item.operation(PathItem.HttpMethod.valueOf(method.name()), operation(bean.getKey(), route, method));
                    }
                }
            }
            openApi.setPaths(paths);
        };
    }

    private static Operation operation(String beanName, RouterFunctionData route, RequestMethod method) {
        String path = route.getPath();
        Operation op = new Operation()
                .operationId(method.name().toLowerCase() + path.replaceAll("[{}]", "").replaceAll("[^A-Za-z0-9]+", "_"))
                .addTagsItem(beanName)
                .addSecurityItem(new SecurityRequirement().addList("bearer"));
        Object summary = route.getAttributes().get(SUMMARY);
        if (summary != null) {
            op.summary(summary.toString());
        }
        Matcher vars = PATH_VARIABLE.matcher(path);
        while (vars.find()) {
            op.addParametersItem(new Parameter().in("path").name(vars.group(1)).required(true).schema(new StringSchema()));
        }
        if (method == RequestMethod.POST || method == RequestMethod.PUT || method == RequestMethod.PATCH) {
            op.requestBody(new RequestBody().required(false).content(new Content()
                    .addMediaType("application/json", new MediaType().schema(new ObjectSchema()))));
        }
        Content error = new Content().addMediaType("application/json",
                new MediaType().schema(new Schema<>().$ref("#/components/schemas/Error")));
        op.responses(new ApiResponses()
                .addApiResponse("2XX", new ApiResponse().description("success (JSON, or an SSE stream for chat messages and events)"))
                .addApiResponse("400", new ApiResponse().description("invalid request: the message names the bad keys or values").content(error))
                .addApiResponse("401", new ApiResponse().description("missing or invalid token").content(error))
                .addApiResponse("403", new ApiResponse().description("the caller lacks the required role").content(error))
                .addApiResponse("404", new ApiResponse().description("no such resource").content(error)));
        return op;
    }

    /** {@code {"error": {"code", "message"}}} (the OpenAI-compatible API adds {@code type} and {@code param}). */
    private static Schema<?> errorSchema() {
        return new ObjectSchema().addProperty("error", new ObjectSchema()
                .addProperty("code", new StringSchema())
                .addProperty("message", new StringSchema())
                .required(List.of("code", "message")));
    }
}
