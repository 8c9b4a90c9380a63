using System.Globalization;
using System.Text.Json.Nodes;
using Bulwark.AspNetCore.Idempotency;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Shop.Infrastructure.Admin;
using Shop.Infrastructure.Auth;

namespace Shop.Infrastructure.OpenApi;

/// <summary>
/// Describes each operation from what the pipeline does to it, read from its endpoint metadata, so endpoints declare only
/// what is theirs: who may call (authorization policy → security scheme, 401/403), the problems every request can meet
/// (400, 413, 429, 503, 504, 404 on a path parameter), the idempotency contract and the headers that carry meaning.
/// </summary>
internal sealed class ShopOperationTransformer : IOpenApiOperationTransformer
{
    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var document = context.Document;
        var path = "/" + (context.Description.RelativePath ?? string.Empty);
        var isApi = path.StartsWith("/api/", StringComparison.Ordinal);
        var idempotent = metadata.OfType<RequireIdempotencyKeyAttribute>().Any();
        var management = metadata.OfType<ManagementEndpointMetadata>().Any();
        var schemes = SecuritySchemesFor(metadata, path);

        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameterReference(ShopOpenApiNames.DeadlineParameter, document));
        if (idempotent)
        {
            operation.Parameters.Add(new OpenApiParameterReference(ShopOpenApiNames.IdempotencyKeyParameter, document));
        }

        foreach (var header in metadata.OfType<ApiRequestHeaderMetadata>())
        {
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = header.Name,
                In = ParameterLocation.Header,
                Required = header.Required,
                Description = header.Description,
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
        }

        operation.Responses ??= new OpenApiResponses();
        // 304 too: a revalidated answer carries the same validator and cache headers as the 200 it stands for.
        foreach (var (code, response) in operation.Responses.Where(r => r.Key.StartsWith('2') || r.Key == "304").ToList())
        {
            var headers = new Dictionary<string, IOpenApiHeader>();
            if (isApi)
            {
                AddRateLimitHeaders(headers, document);
            }

            if (idempotent)
            {
                headers[ShopOpenApiNames.ReplayedHeader] = new OpenApiHeaderReference(ShopOpenApiNames.ReplayedHeader, document);
            }

            foreach (var header in metadata.OfType<ApiResponseHeaderMetadata>().Where(h => h.StatusCode.ToString(CultureInfo.InvariantCulture) == code))
            {
                headers[header.Name] = new OpenApiHeader { Description = header.Description, Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
            }

            if (headers.Count > 0 && response is OpenApiResponse concrete)
            {
                concrete.Headers ??= new Dictionary<string, IOpenApiHeader>();
                foreach (var (name, header) in headers)
                {
                    concrete.Headers[name] = header;
                }
            }
        }

        // Problems the endpoint declared itself (ProducesProblem), then those every request can meet here.
        var statuses = new SortedSet<int>(operation.Responses.Keys
            .Select(k => int.TryParse(k, NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : 0)
            .Where(s => s >= 400));
        statuses.UnionWith([StatusCodes.Status400BadRequest, StatusCodes.Status503ServiceUnavailable, StatusCodes.Status504GatewayTimeout]);
        statuses.UnionWith(metadata.OfType<ApiProblemTypeMetadata>().Select(t => t.StatusCode));
        if (management || operation.Parameters.Any(p => p.In == ParameterLocation.Path))
        {
            statuses.Add(StatusCodes.Status404NotFound);
        }

        if (operation.RequestBody is not null)
        {
            statuses.Add(StatusCodes.Status413PayloadTooLarge);
        }

        if (schemes.Count > 0)
        {
            statuses.UnionWith([StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden]);
        }

        if (isApi)
        {
            statuses.Add(StatusCodes.Status429TooManyRequests);
        }

        if (idempotent)
        {
            statuses.UnionWith([StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge, StatusCodes.Status422UnprocessableEntity]);
        }

        foreach (var status in statuses)
        {
            var declared = metadata.OfType<ApiProblemTypeMetadata>().Where(t => t.StatusCode == status).Select(t => t.Type);
            operation.Responses[status.ToString(CultureInfo.InvariantCulture)] = ProblemResponse(status, idempotent, declared, isApi, path, document);
        }

        // An empty requirement says "anonymous callers welcome" out loud, rather than leaving the reader to guess.
        operation.Security = schemes.Count > 0
            ? [.. schemes.Select(scheme => new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(scheme, document)] = [] })]
            : [new OpenApiSecurityRequirement()];
        operation.Summary ??= SummaryFrom(operation.OperationId);

        if (management)
        {
            operation.Description = (operation.Description is null ? string.Empty : operation.Description + "\n\n")
                + "A management endpoint: outside Development it answers only on the management port (Shop:Management:Url), 404 elsewhere.";
        }

        return Task.CompletedTask;
    }

    // Endpoints are named as verb + noun (WithName("ListProducts")); the summary reads it back as words ("List products").
    private static string? SummaryFrom(string? operationId)
    {
        if (string.IsNullOrEmpty(operationId))
        {
            return null;
        }

        var words = new System.Text.StringBuilder(operationId.Length + 8);
        for (var i = 0; i < operationId.Length; i++)
        {
            var c = operationId[i];
            if (i > 0 && char.IsUpper(c))
            {
                words.Append(' ').Append(char.ToLowerInvariant(c));
            }
            else
            {
                words.Append(c);
            }
        }

        return words.ToString();
    }

    // One requirement per accepted scheme: OpenAPI reads the list as "any one of these".
    private static List<string> SecuritySchemesFor(IList<object> metadata, string path)
    {
        if (metadata.OfType<IAllowAnonymous>().Any())
        {
            return [];
        }

        var schemes = new List<string>();
        foreach (var policy in metadata.OfType<IAuthorizeData>().Select(a => a.Policy))
        {
            string[] accepted = policy switch
            {
                ShopAuth.CustomerPolicy => [ShopAuth.CustomerScheme],
                ShopAuth.OperatorPolicy => [ShopAuth.OperatorScheme],
                ShopAuth.CustomerOrOperatorPolicy => [ShopAuth.CustomerScheme, ShopAuth.OperatorScheme],
                // A new policy must say which credentials it takes, or the document would call the endpoint open.
                _ => throw new InvalidOperationException($"{path} requires the authorization policy '{policy}', which the OpenAPI document does not map to a security scheme (Shop.Infrastructure/OpenApi)."),
            };
            schemes.AddRange(accepted.Except(schemes));
        }

        return schemes;
    }

    private static void AddRateLimitHeaders(IDictionary<string, IOpenApiHeader> headers, OpenApiDocument? document)
    {
        foreach (var name in new[] { ShopOpenApiNames.RateLimitLimitHeader, ShopOpenApiNames.RateLimitRemainingHeader, ShopOpenApiNames.RateLimitResetHeader })
        {
            headers[name] = new OpenApiHeaderReference(name, document);
        }
    }

    private static OpenApiResponse ProblemResponse(int status, bool idempotent, IEnumerable<string> declared, bool isApi, string path, OpenApiDocument? document)
    {
        var types = ShopApiProblems.TypesFor(status, idempotent).Concat(declared).Distinct().ToList();
        var example = new JsonObject
        {
            ["type"] = types[0],
            ["title"] = ReasonPhrases.GetReasonPhrase(status),
            ["status"] = status,
            ["detail"] = ShopApiProblems.Describe(status),
            ["instance"] = path,
            ["traceId"] = "4bf92f3577b34da6a3ce929d0e0e4736",
        };
        var response = new OpenApiResponse
        {
            Description = ShopApiProblems.Describe(status),
            Content = new Dictionary<string, OpenApiMediaType>
            {
                [ShopOpenApiNames.ProblemContentType] = new OpenApiMediaType
                {
                    Schema = new OpenApiSchema
                    {
                        AllOf =
                        [
                            new OpenApiSchemaReference(ShopOpenApiNames.ProblemSchema, document),
                            new OpenApiSchema
                            {
                                Properties = new Dictionary<string, IOpenApiSchema>
                                {
                                    ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [.. types.Select(t => (JsonNode)JsonValue.Create(t))] },
                                },
                            },
                        ],
                    },
                    Example = example,
                },
            },
        };
        if (status is StatusCodes.Status429TooManyRequests or StatusCodes.Status503ServiceUnavailable || (status == StatusCodes.Status409Conflict && idempotent))
        {
            response.Headers = new Dictionary<string, IOpenApiHeader>
            {
                [ShopOpenApiNames.RetryAfterHeader] = new OpenApiHeaderReference(ShopOpenApiNames.RetryAfterHeader, document),
            };
        }

        if (isApi)
        {
            response.Headers ??= new Dictionary<string, IOpenApiHeader>();
            AddRateLimitHeaders(response.Headers, document);
        }

        return response;
    }
}
