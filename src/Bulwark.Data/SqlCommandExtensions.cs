using System.Data.Common;

namespace Bulwark.Data;

/// <summary>
/// The one place parameters are bound: <c>@name</c> in the SQL text works on both Microsoft.Data.Sqlite and Npgsql, so
/// a store writes its SQL once and binds with <see cref="With"/>.
/// </summary>
public static class SqlCommandExtensions
{
    /// <summary>Creates a command on <paramref name="connection"/>, enlisted in <paramref name="transaction"/>.</summary>
    /// <param name="connection">An open connection.</param>
    /// <param name="sql">The SQL text, parameters as <c>@name</c>.</param>
    /// <param name="transaction">The transaction, if any.</param>
    /// <returns>The command (the caller disposes it).</returns>
    public static DbCommand CreateCommand(this DbConnection connection, string sql, DbTransaction? transaction = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    /// <summary>Adds a parameter; <see langword="null"/> binds SQL NULL.</summary>
    /// <param name="command">The command.</param>
    /// <param name="name">The name, without prefix.</param>
    /// <param name="value">The value.</param>
    /// <returns>The command.</returns>
    public static DbCommand With(this DbCommand command, string name, object? value)
    {
        ArgumentNullException.ThrowIfNull(command);
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? DBNull.Value;
        command.Parameters.Add(parameter);
        return command;
    }

    /// <summary>Adds a statement to <paramref name="batch"/>, its parameters bound as <see cref="With"/> binds them.</summary>
    /// <param name="batch">The batch.</param>
    /// <param name="sql">The SQL text, parameters as <c>@name</c>.</param>
    /// <param name="parameters">The parameters by name, without prefix; <see langword="null"/> binds SQL NULL.</param>
    /// <returns>The batch.</returns>
    public static DbBatch Add(this DbBatch batch, string sql, IReadOnlyList<(string Name, object? Value)> parameters)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(parameters);
        var command = batch.CreateBatchCommand();
        command.CommandText = sql;
        for (var i = 0; i < parameters.Count; i++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = parameters[i].Name;
            parameter.Value = parameters[i].Value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        batch.BatchCommands.Add(command);
        return batch;
    }

    /// <summary>Adds a parameter and returns it, for a statement run many times with a changing value.</summary>
    /// <param name="command">The command.</param>
    /// <param name="name">The name, without prefix.</param>
    /// <returns>The parameter.</returns>
    public static DbParameter AddParameter(this DbCommand command, string name)
    {
        ArgumentNullException.ThrowIfNull(command);
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        command.Parameters.Add(parameter);
        return parameter;
    }

    /// <summary>Runs the query and maps every row, in the order the query returns them.</summary>
    /// <typeparam name="T">What a row maps to.</typeparam>
    /// <param name="command">The query.</param>
    /// <param name="map">Maps the reader's current row.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The rows.</returns>
    public static async Task<List<T>> ReadAllAsync<T>(this DbCommand command, Func<DbDataReader, T> map, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(map);
        var rows = new List<T>();
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(map(reader));
            }
        }

        return rows;
    }
}
