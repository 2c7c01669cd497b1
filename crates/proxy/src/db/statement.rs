//! A statement's parameters, written once for both ways the database is reached: sqlx's
//! `Any` driver (the pool) and rusqlite (the SQLite file's own connections).

/// A statement's parameter, `$1`, `$2`, … in order.
#[derive(Clone, Copy)]
pub enum Arg<'a> {
    Text(&'a str),
    MaybeText(Option<&'a str>),
    Int(i64),
    MaybeInt(Option<i64>),
}

/// The statement with its arguments bound, for the pool.
pub(crate) fn sqlx_query<'q>(
    sql: &'q str,
    args: &[Arg<'q>],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>> {
    args.iter().fold(sqlx::query(sql), |q, arg| match *arg {
        Arg::Text(v) => q.bind(v),
        Arg::MaybeText(v) => q.bind(v),
        Arg::Int(v) => q.bind(v),
        Arg::MaybeInt(v) => q.bind(v),
    })
}

/// Binds `$N` to the N-th argument wherever it stands in the statement (SQLite numbers a
/// statement's named parameters by where each first appears). One left unbound is an error.
pub(crate) fn bind(
    statement: &mut rusqlite::CachedStatement<'_>,
    args: &[Arg<'_>],
) -> rusqlite::Result<()> {
    for index in 1..=statement.parameter_count() {
        let arg = statement
            .parameter_name(index)
            .and_then(|name| name.strip_prefix('$'))
            .and_then(|n| n.parse::<usize>().ok())
            .and_then(|n| n.checked_sub(1))
            .and_then(|n| args.get(n).copied())
            .ok_or(rusqlite::Error::InvalidParameterCount(
                statement.parameter_count(),
                args.len(),
            ))?;
        match arg {
            Arg::Text(v) => statement.raw_bind_parameter(index, v)?,
            Arg::MaybeText(v) => statement.raw_bind_parameter(index, v)?,
            Arg::Int(v) => statement.raw_bind_parameter(index, v)?,
            Arg::MaybeInt(v) => statement.raw_bind_parameter(index, v)?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parameters_are_bound_by_their_number_and_none_is_left_unbound() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch("CREATE TABLE t (a TEXT, b INTEGER, c TEXT)")
            .unwrap();
        // `$2` stands first: SQLite numbers it 1, and it still takes the second argument.
        let sql = "INSERT INTO t (b, a, c) VALUES ($2, $1, $3)";
        let args = [Arg::Text("x"), Arg::Int(7), Arg::MaybeText(None)];
        let mut insert = conn.prepare_cached(sql).unwrap();
        bind(&mut insert, &args).unwrap();
        assert_eq!(insert.raw_execute().unwrap(), 1);
        let mut select = conn
            .prepare_cached("SELECT a || b FROM t WHERE c IS NULL AND b = $1")
            .unwrap();
        bind(&mut select, &[Arg::Int(7)]).unwrap();
        let mut rows = select.raw_query();
        let found: String = rows.next().unwrap().expect("the row").get(0).unwrap();
        assert_eq!(found, "x7");
        assert!(
            bind(&mut insert, &args[..2]).is_err(),
            "a missing argument is not taken as NULL"
        );
    }
}
