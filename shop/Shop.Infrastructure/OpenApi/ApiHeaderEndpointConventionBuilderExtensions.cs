using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Shop.Infrastructure.OpenApi;

/// <summary>
/// Declares the headers an endpoint reads or sets, as metadata the OpenAPI transformers turn into parameters and response
/// headers (docs/api.md). Modules declare them without a reference to the OpenAPI package.
/// </summary>
public static class ApiHeaderEndpointConventionBuilderExtensions
{
    /// <summary>Says the endpoint reads <paramref name="name"/> from the request.</summary>
    public static TBuilder WithRequestHeader<TBuilder>(this TBuilder builder, string name, string description, bool required = false)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new ApiRequestHeaderMetadata(name, description, required));

    /// <summary>Says the endpoint sets <paramref name="name"/> on its <paramref name="statusCode"/> answers.</summary>
    public static TBuilder WithResponseHeader<TBuilder>(this TBuilder builder, int statusCode, string name, string description)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new ApiResponseHeaderMetadata(statusCode, name, description));

    /// <summary>
    /// Says the endpoint answers <paramref name="statusCode"/> with a problem whose <c>type</c> is
    /// <paramref name="type"/> (besides the status's own): the document lists it, and a response carrying a type the
    /// document does not list is a contract break (Prism's proxy check fails on it).
    /// </summary>
    public static TBuilder ProducesProblemType<TBuilder>(this TBuilder builder, int statusCode, string type)
        where TBuilder : IEndpointConventionBuilder =>
        // Metadata only, no ProducesResponseType: on an endpoint that declares no responses of its own (a library's
        // IResult handler) that would replace the 200 the generator infers; ShopOperationTransformer adds the status.
        builder.WithMetadata(new ApiProblemTypeMetadata(statusCode, type));

    /// <summary>
    /// The entity-tag contract of a versioned resource: its 200 answers carry an <c>ETag</c>, and with
    /// <paramref name="acceptsIfMatch"/> an <c>If-Match</c> makes the write conditional (412 when stale).
    /// </summary>
    public static TBuilder WithEntityTag<TBuilder>(this TBuilder builder, bool acceptsIfMatch = false)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.WithResponseHeader(StatusCodes.Status200OK, "ETag", "The resource's version as a strong entity tag, such as \"3\"; send it back in If-Match to change exactly this version.");
        if (acceptsIfMatch)
        {
            builder.WithRequestHeader("If-Match", "A version from the resource's ETag, such as \"3\" (or *): the change applies only if the resource is still at that version, else 412.");
            builder.WithMetadata(new ProducesResponseTypeMetadata(StatusCodes.Status412PreconditionFailed, typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), ["application/problem+json"]));
        }

        return builder;
    }
}
