using Microsoft.Data.Sqlite;
using Shop.Infrastructure.Sqlite;
using Shop.Reviews.Contracts;

namespace Shop.Reviews.Data;

internal sealed class ReviewsDatabase(ModuleDatabase database)
{
    public ModuleDatabase Database { get; } = database;
}

internal static class ReviewsMigrations
{
    private static readonly string[] Authors = ["Ada", "Grace", "Linus", "Barbara", "Ken", "Margaret"];
    private static readonly string[] Texts = ["Does what it says.", "Better than expected.", "Arrived late but works.", "Would buy again.", "Not for me."];

    public static readonly IReadOnlyList<Migration> All =
    [
        Migration.Sql(1, "create reviews", """
            CREATE TABLE reviews (
                id         INTEGER PRIMARY KEY AUTOINCREMENT,
                product_id INTEGER NOT NULL,
                rating     INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
                author     TEXT    NOT NULL,
                text       TEXT    NOT NULL
            );
            CREATE INDEX reviews_by_product ON reviews (product_id, id DESC);
            """),
        new Migration(2, "seed demo reviews", async (connection, transaction, ct) =>
        {
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO reviews (product_id, rating, author, text) VALUES ($p, $r, $a, $t);";
            var p = insert.Parameters.Add("$p", SqliteType.Integer);
            var r = insert.Parameters.Add("$r", SqliteType.Integer);
            var a = insert.Parameters.Add("$a", SqliteType.Text);
            var t = insert.Parameters.Add("$t", SqliteType.Text);
            for (var product = 1; product <= 60; product++)
            {
                for (var n = 0; n < product % 4; n++)
                {
                    p.Value = product;
                    r.Value = 1 + ((product + n) * 3 % 5);
                    a.Value = Authors[(product + n) % Authors.Length];
                    t.Value = Texts[(product * 2 + n) % Texts.Length];
                    await insert.ExecuteNonQueryAsync(ct);
                }
            }
        }),
    ];
}

internal sealed class ReviewsRepository(ReviewsDatabase reviews) : IReviewsApi
{
    public async Task<ReviewSummary> GetSummaryAsync(int productId, int take, CancellationToken cancellationToken)
    {
        await using var connection = await reviews.Database.OpenAsync(cancellationToken);
        await using var stats = connection.CreateCommand();
        stats.CommandText = "SELECT COUNT(*), COALESCE(AVG(rating), 0) FROM reviews WHERE product_id = $p;";
        stats.Parameters.AddWithValue("$p", productId);
        int count;
        double average;
        await using (var reader = await stats.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            count = reader.GetInt32(0);
            average = Math.Round(reader.GetDouble(1), 2);
        }

        await using var latest = connection.CreateCommand();
        latest.CommandText = "SELECT rating, author, text FROM reviews WHERE product_id = $p ORDER BY id DESC LIMIT $take;";
        latest.Parameters.AddWithValue("$p", productId);
        latest.Parameters.AddWithValue("$take", Math.Clamp(take, 0, 50));
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
