using System.Globalization;
using Bulwark.AspNetCore.Problems;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Shop.Infrastructure.Api;

/// <summary>One page of a list endpoint: <c>?page=</c> (1-based) and <c>?pageSize=</c> (capped), as SQL <c>LIMIT</c>/<c>OFFSET</c>.</summary>
public readonly record struct Page(int Number, int Size)
{
    /// <summary>The page size when none is asked for.</summary>
    public const int DefaultSize = 20;

    /// <summary>The largest page size accepted: a list answer stays small whatever a customer has accumulated.</summary>
    public const int MaxSize = 100;

    /// <summary>The highest page number accepted (bounds the offset a request can ask the database to skip).</summary>
    public const int MaxNumber = 10_000;

    /// <summary>The rows to skip.</summary>
    public int Offset => (Number - 1) * Size;

    /// <summary>The page asked for, or a 400 problem naming the parameter.</summary>
    public static (Page Page, ProblemHttpResult? Problem) From(int? page, int? pageSize)
    {
        if (page is < 1 or > MaxNumber)
        {
            return (default, ProblemResults.BadRequest($"page is 1 to {MaxNumber.ToString(CultureInfo.InvariantCulture)}; got {page}.",
                new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["page"] = ["out of range"] } }));
        }

        if (pageSize is < 1 or > MaxSize)
        {
            return (default, ProblemResults.BadRequest($"pageSize is 1 to {MaxSize.ToString(CultureInfo.InvariantCulture)}; got {pageSize}.",
                new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["pageSize"] = ["out of range"] } }));
        }

        return (new Page(page ?? 1, pageSize ?? DefaultSize), null);
    }
}
