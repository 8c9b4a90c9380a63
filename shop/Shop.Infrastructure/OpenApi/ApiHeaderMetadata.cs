namespace Shop.Infrastructure.OpenApi;

/// <summary>Endpoint metadata: a request header that carries meaning for this endpoint, described in the OpenAPI document.</summary>
/// <param name="Name">The header's name, such as <c>If-Match</c>.</param>
/// <param name="Description">What the header does here.</param>
/// <param name="Required">Whether the endpoint refuses a request without it.</param>
public sealed record ApiRequestHeaderMetadata(string Name, string Description, bool Required = false);

/// <summary>Endpoint metadata: a response header this endpoint sets on a status, described in the OpenAPI document.</summary>
/// <param name="StatusCode">The status whose response carries the header.</param>
/// <param name="Name">The header's name, such as <c>ETag</c>.</param>
/// <param name="Description">What the header means here.</param>
public sealed record ApiResponseHeaderMetadata(int StatusCode, string Name, string Description);

/// <summary>
/// Endpoint metadata: a problem <c>type</c> this endpoint answers with on <paramref name="StatusCode"/> besides the
/// status's own (e.g. <c>insufficient-funds</c> on a 409), listed in the document so a client can branch on it.
/// </summary>
/// <param name="StatusCode">The status of the problem.</param>
/// <param name="Type">The problem's <c>type</c> URI.</param>
public sealed record ApiProblemTypeMetadata(int StatusCode, string Type);
