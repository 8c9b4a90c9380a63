using Bulwark.Data;
using Shop.Infrastructure.Data;
using Shop.Reviews.Contracts;

namespace Shop.Reviews.Data;

internal static class ReviewsMigrations
{
    private static readonly string[] Authors = ["Ada", "Grace", "Linus", "Barbara", "Ken", "Margaret"];
    private static readonly string[] Texts = ["Does what it says.", "Better than expected.", "Arrived late but works.", "Would buy again.", "Not for me."];

    public static readonly IReadOnlyList<ModuleMigration> All =
    [
        new("create reviews", t => $"""
            CREATE TABLE reviews (
                id         {t.IdentityKey},
                product_id INTEGER NOT NULL,
                rating     INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
                author     TEXT    NOT NULL,
                text       TEXT    NOT NULL
            );
            CREATE INDEX reviews_by_product ON reviews (product_id, id DESC);
            """),
        ModuleMigration.Seed("seed demo reviews", "reviews", ["product_id", "rating", "author", "text"],
            from product in Enumerable.Range(1, 60)
            from n in Enumerable.Range(0, product % 4)
            select new object[] { product, 1 + ((product + n) * 3 % 5), Authors[(product + n) % Authors.Length], Texts[(product * 2 + n) % Texts.Length] }),
    ];
}

internal sealed class ReviewsRepository(ModuleDatabase<ReviewsModule> reviews) : IReviewsApi
{
    public async Task<ReviewSummary> GetSummaryAsync(int productId, int take, CancellationToken cancellationToken)
    {
        await using var connection = await reviews.OpenAsync(cancellationToken);
        await using var stats = connection.CreateCommand();
        stats.CommandText = "SELECT COUNT(*), COALESCE(AVG(rating), 0) FROM reviews WHERE product_id = @p;";
        stats.With("p", productId);
        int count;
        double average;
        await using (var reader = await stats.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            count = reader.GetInt32(0);
            average = Math.Round(reader.GetDouble(1), 2);
        }

        await using var latest = connection.CreateCommand();
        latest.CommandText = "SELECT rating, author, text FROM reviews WHERE product_id = @p ORDER BY id DESC LIMIT @take;";
        latest.With("p", productId);
        latest.With("take", Math.Clamp(take, 0, 50));
        var items = new List<ReviewDto>();
        await using (var reader = await latest.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(new ReviewDto(productId, reader.GetInt32(0), reader.GetString(1), reader.GetString(2)));
            }
        }

        return new ReviewSummary(productId, average, count, items);
    }
}
