using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Shop.Infrastructure.Admin;
using Shop.Infrastructure.Auth;

namespace Shop.Infrastructure.OpenApi;

/// <summary>
/// The parts of the document no single endpoint owns: what the API is, its two security schemes, the problem schema and
/// the reusable headers, and the probes (health checks are not route handlers, so the generator does not see them).
/// </summary>
internal sealed class ShopDocumentTransformer(IOptions<ShopAdminOptions> admin) : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Bulwark reference shop",
            Version = "v1",
            Description = "The shop built from Bulwark. Errors are RFC 9457 problem details with a stable `type`; every request may carry "
                + "`X-Deadline`; `/api` is rate limited (`X-RateLimit-*`, `Retry-After`). See docs/api.md.",
        };
        // One relative server: the document reads the same wherever it is served from (and as committed, written at build time).
        document.Servers = [new OpenApiServer { Url = "/", Description = "The shop that serves this document." }];
        document.Components ??= new OpenApiComponents();
        AddSecuritySchemes(document.Components, admin.Value.HeaderName);
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[ShopOpenApiNames.ProblemSchema] = ProblemSchema();
        // ProducesProblem brings the framework's ProblemDetails schema; every problem response now points at Problem instead.
        document.Components.Schemas.Remove("ProblemDetails");
        document.Components.Schemas["HealthReport"] = HealthReportSchema();
        AddParameters(document.Components);
        AddHeaders(document.Components);
        AddProbes(document);
        return Task.CompletedTask;
    }

    private static void AddSecuritySchemes(OpenApiComponents components, string adminHeader)
    {
        components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        components.SecuritySchemes[ShopAuth.CustomerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "A customer's access token from POST /api/users/sign-in, sent as `Authorization: Bearer <token>`.",
        };
        components.SecuritySchemes[ShopAuth.OperatorScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = adminHeader,
            Description = "An operator's admin key (Shop:Admin:ApiKeys). Operator endpoints answer on the management port outside Development.",
        };
    }

    private static OpenApiSchema ProblemSchema() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "RFC 9457 problem details. `type` is stable per kind of error; quote `traceId` when reporting one.",
        Required = new HashSet<string> { "type", "title", "status" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri" },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["instance"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["errors"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Description = "Field name → what is wrong with it.",
                AdditionalProperties = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } },
            },
        },
    };

    private static OpenApiSchema HealthReportSchema() => new()
    {
        Type = JsonSchemaType.Object,
        Required = new HashSet<string> { "status", "durationMs", "checks" },
        Properties = new Dictionary<string, IOpenApiSchema>
        {
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create("Healthy"), JsonValue.Create("Degraded"), JsonValue.Create("Unhealthy")] },
            ["durationMs"] = new OpenApiSchema { Type = JsonSchemaType.Number },
            ["checks"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                AdditionalProperties = new OpenApiSchema
                {
                    Type = JsonSchemaType.Object,
                    Properties = new Dictionary<string, IOpenApiSchema>
                    {
                        ["status"] = new OpenApiSchema { Type = JsonSchemaType.String },
                        ["description"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null },
                        ["durationMs"] = new OpenApiSchema { Type = JsonSchemaType.Number },
                    },
                },
            },
        },
    };

    private static void AddParameters(OpenApiComponents components)
    {
        components.Parameters ??= new Dictionary<string, IOpenApiParameter>();
        components.Parameters[ShopOpenApiNames.DeadlineParameter] = new OpenApiParameter
        {
            Name = ShopOpenApiNames.DeadlineParameter,
            In = ParameterLocation.Header,
            Description = "The caller's absolute deadline, Unix epoch milliseconds (UTC). Past it the shop stops and answers 504; "
                + "without it the server's default budget applies, and a later one is cut to the server's maximum.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, Pattern = "^[0-9]{1,19}$" },
            Example = JsonValue.Create("1767225600000"),
        };
        components.Parameters[ShopOpenApiNames.IdempotencyKeyParameter] = new OpenApiParameter
        {
            Name = ShopOpenApiNames.IdempotencyKeyParameter,
            In = ParameterLocation.Header,
            Required = true,
            Description = "A unique value per logical operation (a UUID), sent again on every retry of it: a retry gets the first answer "
                + "replayed (Idempotent-Replayed: true) instead of doing the work twice.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = 128, Pattern = "^[\\x21-\\x7E]+$" },
            Example = JsonValue.Create("5f0c6a4e-2f1b-4b7e-9a77-0d3c1f6b2a10"),
        };
    }

    private static void AddHeaders(OpenApiComponents components)
    {
        components.Headers ??= new Dictionary<string, IOpenApiHeader>();
        components.Headers[ShopOpenApiNames.RateLimitLimitHeader] = IntegerHeader("Requests the caller's tier allows per window.");
        components.Headers[ShopOpenApiNames.RateLimitRemainingHeader] = IntegerHeader("Requests left in the current window.");
        components.Headers[ShopOpenApiNames.RateLimitResetHeader] = IntegerHeader("Seconds until the window resets.");
        components.Headers[ShopOpenApiNames.RetryAfterHeader] = IntegerHeader("Seconds to wait before trying again.");
        components.Headers[ShopOpenApiNames.ReplayedHeader] = new OpenApiHeader
        {
            Description = "`true` when this is the stored answer to an earlier request with the same Idempotency-Key.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create("true")] },
        };
    }

    private static OpenApiHeader IntegerHeader(string description) => new()
    {
        Description = description,
        Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Minimum = "0" },
    };

    private static void AddProbes(OpenApiDocument document)
    {
        document.Paths ??= new OpenApiPaths();
        document.Paths["/health/live"] = Probe(document, "HealthLive", "Liveness: the process answers. Runs no dependency check.");
        document.Paths["/health/ready"] = Probe(document, "HealthReady", "Readiness: the critical local dependencies answer and the host is not draining; 503 otherwise.");
    }

    private static OpenApiPathItem Probe(OpenApiDocument document, string operationId, string summary)
    {
        var report = new OpenApiMediaType { Schema = new OpenApiSchemaReference("HealthReport", document) };
        // The deadline middleware runs before routing, so a probe refuses a malformed X-Deadline like any request.
        var malformed = new OpenApiMediaType
        {
            Schema = new OpenApiSchema
            {
                AllOf =
                [
                    new OpenApiSchemaReference(ShopOpenApiNames.ProblemSchema, document),
                    new OpenApiSchema { Properties = new Dictionary<string, IOpenApiSchema> { ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create(ShopApiProblems.MalformedDeadline)] } } },
                ],
            },
        };
        var operation = new OpenApiOperation
        {
            OperationId = operationId,
            Summary = summary,
            Tags = new HashSet<OpenApiTagReference> { new("Health", document) },
            Parameters = [new OpenApiParameterReference(ShopOpenApiNames.DeadlineParameter, document)],
            Security = [new OpenApiSecurityRequirement()],
            Responses = new OpenApiResponses
            {
                ["200"] = new OpenApiResponse { Description = "Healthy or degraded.", Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = report } },
                ["400"] = new OpenApiResponse { Description = "A malformed X-Deadline.", Content = new Dictionary<string, OpenApiMediaType> { [ShopOpenApiNames.ProblemContentType] = malformed } },
                ["503"] = new OpenApiResponse { Description = "Unhealthy, or draining before shutdown.", Content = new Dictionary<string, OpenApiMediaType> { ["application/json"] = report } },
            },
        };
        document.Tags ??= new HashSet<OpenApiTag>();
        if (!document.Tags.Any(t => t.Name == "Health"))
        {
            document.Tags.Add(new OpenApiTag { Name = "Health", Description = "Probes for the orchestrator; never rate limited." });
        }

        return new OpenApiPathItem { Operations = new Dictionary<HttpMethod, OpenApiOperation> { [HttpMethod.Get] = operation } };
    }
}
