using Bulwark.AspNetCore.Problems;
using Bulwark.DataProducts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Shop.Infrastructure.Admin;

namespace Shop.Infrastructure.DataProducts;

/// <summary>
/// The data product catalogue: <c>GET /api/data-products</c> (products, owners, versions, freshness against the SLO),
/// a version's Parquet file and contract, and a build on demand. Operator-only (admin key, management port outside
/// Development): pseudonymised data is still personal data, so it is not public.
/// </summary>
public static class DataProductEndpoints
{
    /// <summary>The Parquet media type.</summary>
    public const string ParquetMediaType = "application/vnd.apache.parquet";

    /// <summary>Maps the catalogue under <c>/api/data-products</c>.</summary>
    public static IEndpointRouteBuilder MapShopDataProducts(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/data-products").WithTags("DataProducts").RequireShopAdmin();
        group.MapGet("/", List).WithName("ListDataProducts").WithSummary("Lists the data products with owner, contract version, versions and freshness against the SLO.");
        group.MapGet("/{id}", Get).WithName("GetDataProduct").WithSummary("One data product with its contract and versions.");
        group.MapGet("/{id}/versions/{version:long}", DownloadAsync).WithName("DownloadDataProductVersion")
            .WithSummary("The Parquet file of one version.").Produces(StatusCodes.Status200OK, contentType: ParquetMediaType);
        group.MapGet("/{id}/versions/{version:long}/contract", ContractAsync).WithName("GetDataProductContract")
            .WithSummary("The data contract (ODCS-shaped JSON) one version was published under.").Produces(StatusCodes.Status200OK, contentType: "application/json");
        group.MapPost("/{id}/builds", BuildAsync).WithName("BuildDataProduct").WithSummary("Builds and publishes the next version now.");
        return endpoints;
    }

    private static Ok<DataProductView[]> List(DataProductCatalog catalog) => TypedResults.Ok(catalog.List().Select(View).ToArray());

    private static Results<Ok<DataProductView>, ProblemHttpResult> Get(string id, DataProductCatalog catalog) =>
        catalog.Find(id) is { } entry ? TypedResults.Ok(View(entry)) : NoProduct(id);

    private static Results<PhysicalFileHttpResult, ProblemHttpResult> DownloadAsync(string id, long version, DataProductCatalog catalog, DataProductStore store) =>
        catalog.Find(id) is null ? NoProduct(id)
        : store.FolderOf(id, version) is { } folder
            ? TypedResults.PhysicalFile(Path.Combine(folder, DataProductStore.DataFile), ParquetMediaType, $"{id}-{version}.parquet")
            : NoVersion(id, version);

    private static Results<PhysicalFileHttpResult, ProblemHttpResult> ContractAsync(string id, long version, DataProductCatalog catalog, DataProductStore store) =>
        catalog.Find(id) is null ? NoProduct(id)
        : store.FolderOf(id, version) is { } folder
            ? TypedResults.PhysicalFile(Path.Combine(folder, DataProductStore.ContractFile), "application/json")
            : NoVersion(id, version);

    private static async Task<Results<Created<DataProductVersion>, ProblemHttpResult>> BuildAsync(string id, DataProductCatalog catalog, DataProductBuilder builder, CancellationToken cancellationToken)
    {
        if (catalog.Find(id) is null)
        {
            return NoProduct(id);
        }

        var version = await builder.BuildAsync(id, cancellationToken);
        return TypedResults.Created($"/api/data-products/{id}/versions/{version.Version}", version);
    }

    private static ProblemHttpResult NoProduct(string id) => ProblemResults.NotFound($"There is no data product '{id}'; GET /api/data-products lists them.");

    private static ProblemHttpResult NoVersion(string id, long version) =>
        ProblemResults.NotFound($"Data product '{id}' has no version {version} (never built, or pruned); GET /api/data-products/{id} lists its versions.");

    private static DataProductView View(DataProductEntry entry) => new(
        entry.Contract.Id,
        entry.Contract.Name,
        entry.Contract.Owner,
        entry.Contract.Domain,
        entry.Contract.Version,
        entry.Contract.Description,
        (long)entry.Contract.Freshness.TotalSeconds,
        entry.Age is { } age ? (long)age.TotalSeconds : null,
        entry.Fresh,
        [.. entry.Contract.Fields.Select(f => new DataProductFieldView(f.Name, f.PublishedType.ToString(), f.Classification.ToString(), f.IsPublished, f.IsPseudonymised, f.Required))],
        [.. entry.Versions.Select(v => new DataProductVersionView(v.Version, v.ContractVersion, v.BuiltAt, v.Rows, v.SourcePosition))]);
}

/// <summary>A data product in the catalogue.</summary>
public sealed record DataProductView(
    string Id,
    string Name,
    string Owner,
    string Domain,
    string ContractVersion,
    string Description,
    long FreshnessSloSeconds,
    long? AgeSeconds,
    bool Fresh,
    DataProductFieldView[] Fields,
    DataProductVersionView[] Versions);

/// <summary>A field of a data product as published.</summary>
public sealed record DataProductFieldView(string Name, string Type, string Classification, bool Published, bool Pseudonymised, bool Required);

/// <summary>A built version of a data product.</summary>
public sealed record DataProductVersionView(long Version, string ContractVersion, DateTimeOffset BuiltAt, long Rows, long SourcePosition);
