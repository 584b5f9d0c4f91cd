package org.elibrary.internal.session;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.ibatis.executor.keygen.NoKeyGenerator;
import org.apache.ibatis.mapping.BoundSql;
import org.apache.ibatis.mapping.Discriminator;
import org.apache.ibatis.mapping.MappedStatement;
import org.apache.ibatis.mapping.ParameterMapping;
import org.apache.ibatis.mapping.ParameterMode;
import org.apache.ibatis.mapping.ResultMap;
import org.apache.ibatis.mapping.ResultMapping;
import org.apache.ibatis.mapping.SqlCommandType;
import org.apache.ibatis.mapping.StatementType;
import org.apache.ibatis.reflection.ParamNameResolver;
import org.apache.ibatis.scripting.defaults.RawSqlSource;
import org.apache.ibatis.session.Configuration;
import org.apache.ibatis.type.JdbcType;
import org.apache.ibatis.type.TypeHandler;
import org.apache.ibatis.type.TypeHandlerRegistry;
import org.elibrary.internal.mapper.Bulk;
import org.elibrary.internal.mapper.MultiRowInsert;
import org.elibrary.internal.mapper.OnlyOn;

/**
 * Runs the library's mapper methods straight on JDBC, from what MyBatis parsed: the statement MyBatis chose
 * for this database ({@code databaseId}), its SQL (dynamic SQL still rendered by MyBatis), its parameter
 * mappings and its constructor result map.
 *
 * <p>Why: the catalog's calls are short (a book's details take about 13 µs on SQLite), and MyBatis's
 * per-call machinery (executor, statement handler, result-set wrapper with column metadata, per-row
 * reflection) measured as long again as the query itself. Every mapped statement of this library has one
 * of two shapes, so this class plans each mapper method once and then only binds, executes and reads:
 *
 * <ul>
 *   <li>a {@code <select>} whose result is a record built by a {@code <constructor>} result map (columns
 *       read by a position resolved once per SQL text) or one scalar column ({@code resultType="long"});</li>
 *   <li>an {@code <insert>}, {@code <update>} or {@code <delete>} returning its row count.</li>
 * </ul>
 *
 * <p>Parameters are bound as MyBatis's {@code DefaultParameterHandler} binds them (same names, same type
 * handlers for anything but the plain {@code Long}, {@code Integer} and {@code String} values). A method of
 * any other shape fails its planning, and with it the open of every Library: MyBatis sessions never run
 * the library's statements, so a new shape is added here.
 *
 * <p>Bulk inserts do not call a mapper per row: a {@link RowWriter} takes the rows of a one-row insert value
 * by value and runs them as one JDBC batch of it, or as multi-row statements when it is a
 * {@link MultiRowInsert} ({@link UnitOfWork#insertRows}).
 */
final class DirectMappers {
    private static final int MAX_VARIANTS = 32;
    /** Rows of a one-row insert per JDBC batch a RowWriter sends (a MultiRowInsert: its rows per statement). */
    private static final int BATCH_ROWS = Bulk.CHUNK;
    private final Configuration configuration;
    private final TypeHandlerRegistry typeHandlers;
    /** Seconds, applied to every statement prepared here (PostgreSQL); null for none (SQLite). */
    private final Integer queryTimeout;
    /** pgjdbc runs every statement of a text (in one round trip); sqlite-jdbc only the first. */
    private final boolean driverRunsSeveralStatements;
    private final ConcurrentHashMap<Class<?>, MapperType> mapperTypes = new ConcurrentHashMap<>();

    DirectMappers(Configuration configuration) {
        this.configuration = configuration;
        this.typeHandlers = configuration.getTypeHandlerRegistry();
        this.queryTimeout = configuration.getDefaultStatementTimeout();
        this.driverRunsSeveralStatements = "postgresql".equals(configuration.getDatabaseId());
    }

    /** A mapper of {@code type} whose methods run on the connection of {@code statements}. */
    <M> M mapper(Class<M> type, Statements statements) {
        MapperType mapperType = mapperType(type);
        try {
            return type.cast(mapperType.proxy.newInstance(new Handler(mapperType, statements)));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create mapper " + type.getName(), e);
        }
    }

    /**
     * Rows for {@code method} of mapper {@code type} on the connection of {@code statements}: a one-row insert
     * of static SQL whose placeholders take the method's parameters in order.
     */
    RowWriter rowWriter(Class<?> type, String method, Statements statements) {
        MapperType mapperType = mapperType(type);
        Method insert = mapperType.rowInserts.get(method);
        if (insert == null) {
            insert = rowInsert(mapperType, method);
            mapperType.rowInserts.put(method, insert);
        }
        Update plan = (Update) call(mapperType, insert);
        int columns = insert.getParameterCount();
        return new RowWriter(insert.getParameterTypes(), plan.rowsPerStatement > 0 ? plan.rowsPerStatement : BATCH_ROWS,
                (values, rows) -> plan.insertRows(statements, values, rows, columns));
    }

    /** The method {@code name} of the mapper, checked to be an insert that takes bulk rows; else fails. */
    private Method rowInsert(MapperType mapperType, String name) {
        Method found = null;
        for (Method candidate : mapperType.type.getMethods()) {
            if (candidate.getName().equals(name)) {
                if (found != null) {
                    throw new IllegalStateException(mapperType.type.getSimpleName() + "." + name + " is overloaded");
                }
                found = candidate;
            }
        }
        if (found != null && call(mapperType, found) instanceof Update insert && insert.takesRowsInOrder()) {
            return found;
        }
        throw new IllegalStateException(mapperType.type.getSimpleName() + "." + name
                + " is not a one-row insert of static SQL whose placeholders take its parameters in order");
    }

    /**
     * A mapper interface: its proxy class and the plans of its methods. Plans are per interface, not per
     * {@link Method}: a method inherited from a shared interface (NamedRowMapper) is one Method object for
     * every mapper that extends it, with a statement of each mapper's own.
     */
    private static final class MapperType {
        final Class<?> type;
        final Constructor<?> proxy;
        final ConcurrentHashMap<Method, Call> calls = new ConcurrentHashMap<>();
        /** Inserts that take bulk rows (see rowWriter), by method name, once resolved. */
        final ConcurrentHashMap<String, Method> rowInserts = new ConcurrentHashMap<>();

        MapperType(Class<?> type) {
            this.type = type;
            this.proxy = proxyConstructor(type);
        }
    }

    private MapperType mapperType(Class<?> type) {
        MapperType known = mapperTypes.get(type);
        return known != null ? known : mapperTypes.computeIfAbsent(type, MapperType::new);
    }

    /**
     * Plans every method of every mapper the configuration knows, and makes their proxy classes, now rather
     * than on each method's first call: at open, not inside the first calls of an application. A method
     * without a statement for this database fails the open, unless it is marked {@link OnlyOn} another.
     */
    void planAll() {
        for (Class<?> type : configuration.getMapperRegistry().getMappers()) {
            MapperType mapperType = mapperType(type);
            for (Method method : type.getMethods()) {
                OnlyOn onlyOn = method.getAnnotation(OnlyOn.class);
                if (!method.isDefault() && !method.isSynthetic() && !Modifier.isStatic(method.getModifiers())
                        && (onlyOn == null || onlyOn.value().equals(configuration.getDatabaseId()))) {
                    call(mapperType, method);
                }
            }
        }
    }

    /** Plans {@code method} of mapper {@code type} now; fails as {@link #planAll} would on it. */
    void planOne(Class<?> type, Method method) {
        call(mapperType(type), method);
    }

    /** The plan of {@code method} of a mapper, made on first use. */
    private Call call(MapperType mapperType, Method method) {
        Call call = mapperType.calls.get(method);
        return call != null ? call : mapperType.calls.computeIfAbsent(method, m -> plan(mapperType.type, m));
    }

    private static Constructor<?> proxyConstructor(Class<?> type) {
        // The proxy class is generated once; each unit of work then only instantiates it.
        Object sample = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, a) -> null);
        try {
            return sample.getClass().getConstructor(InvocationHandler.class);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("no proxy constructor for " + type.getName(), e);
        }
    }

    /** A JDBC failure inside a mapper method; {@link SqlErrors} finds the SQLException in its cause. */
    static final class StatementFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StatementFailure(SQLException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private final class Handler implements InvocationHandler {
        private final MapperType type;
        private final Statements statements;

        Handler(MapperType type, Statements statements) {
            this.type = type;
            this.statements = statements;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            if (method.getDeclaringClass() == Object.class) {
                return switch (method.getName()) {
                    case "equals" -> proxy == args[0];
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> "direct " + type.type.getSimpleName();
                };
            }
            try {
                return call(type, method).invoke(statements, args);
            } catch (SQLException e) {
                throw new StatementFailure(e);
            }
        }
    }

    // --------------------------------------------------------------------------------------------- planning

    private Call plan(Class<?> type, Method method) {
        String id = type.getName() + "." + method.getName();
        if (!configuration.hasStatement(id)) {
            throw new IllegalStateException("no mapped statement " + id + " for this database");
        }
        MappedStatement statement = configuration.getMappedStatement(id);
        ParamNameResolver names = new ParamNameResolver(configuration, method);
        if (method.getParameterCount() == 1 && !typeHandlers.hasTypeHandler(method.getParameterTypes()[0])) {
            // an object whose properties are bound (see otherValue): read its getters now, not on a first call
            configuration.getReflectorFactory().findForClass(method.getParameterTypes()[0]);
        }
        Class<?> returnType = method.getReturnType();
        boolean plain = statement.getStatementType() == StatementType.PREPARED
                && statement.getKeyGenerator() instanceof NoKeyGenerator;
        if (plain && statement.getSqlCommandType() == SqlCommandType.SELECT) {
            RowReader rows = rowReader(statement, returnType, method);
            if (rows != null) {
                return new Select(statement, names, method, rows, returnType);
            }
        } else if (plain && statement.getSqlCommandType() != SqlCommandType.UNKNOWN
                && statement.getSqlCommandType() != SqlCommandType.FLUSH
                && (returnType == int.class || returnType == Integer.class)) {
            return new Update(statement, names, method);
        }
        throw new IllegalStateException(type.getSimpleName() + "." + method.getName()
                + ": statement shape not supported by DirectMappers");
    }

    /** How one row becomes the method's element type; null when that shape is not handled here. */
    private RowReader rowReader(MappedStatement statement, Class<?> returnType, Method method) {
        if (statement.getResultMaps().size() != 1 || statement.getResultSets() != null) {
            return null;
        }
        ResultMap map = statement.getResultMaps().get(0);
        Class<?> element = Collection.class.isAssignableFrom(returnType) ? map.getType() : returnType;
        if (!element.isAssignableFrom(map.getType()) && !(element.isPrimitive() && typeHandlers.hasTypeHandler(map.getType()))) {
            return null;
        }
        if (map.getResultMappings().isEmpty() && map.getDiscriminator() == null
                && typeHandlers.hasTypeHandler(map.getType())) {
            return new ScalarReader(map.getType(), typeHandlers.getTypeHandler(map.getType()));
        }
        if (map.getDiscriminator() != null) {
            return discriminatingReader(map, element);
        }
        return constructorReader(map);
    }

    /**
     * A result map with no mappings of its own whose {@code <discriminator>} on an {@code int} column picks,
     * per row, one of several constructor result maps (rows of different kinds in one result, each reading
     * only the columns its kind has).
     */
    private RowReader discriminatingReader(ResultMap map, Class<?> element) {
        Discriminator discriminator = map.getDiscriminator();
        ResultMapping column = discriminator.getResultMapping();
        if (!map.getResultMappings().isEmpty() || Boolean.TRUE.equals(map.getAutoMapping())
                || column.getColumn() == null || column.getJavaType() != int.class) {
            return null;
        }
        Map<String, String> cases = discriminator.getDiscriminatorMap();
        int[] values = new int[cases.size()];
        ConstructorReader[] readers = new ConstructorReader[cases.size()];
        int i = 0;
        for (Map.Entry<String, String> entry : cases.entrySet()) {
            ResultMap caseMap = configuration.getResultMap(entry.getValue());
            ConstructorReader reader = caseMap.getDiscriminator() == null && element.isAssignableFrom(caseMap.getType())
                    ? constructorReader(caseMap) : null;
            if (reader == null) {
                return null;
            }
            try {
                values[i] = Integer.parseInt(entry.getKey().trim());
            } catch (NumberFormatException e) {
                return null;
            }
            readers[i++] = reader;
        }
        return new DiscriminatingReader(column.getColumn(), values, readers);
    }

    private ConstructorReader constructorReader(ResultMap map) {
        List<ResultMapping> arguments = map.getConstructorResultMappings();
        if (arguments.isEmpty() || map.getResultMappings().size() != arguments.size() || map.getDiscriminator() != null
                || Boolean.TRUE.equals(map.getAutoMapping()) || map.hasNestedResultMaps() || map.hasNestedQueries()) {
            return null;
        }
        Class<?>[] javaTypes = new Class<?>[arguments.size()];
        String[] columns = new String[arguments.size()];
        @SuppressWarnings("unchecked")
        TypeHandler<Object>[] handlers = new TypeHandler[arguments.size()];
        for (int i = 0; i < javaTypes.length; i++) {
            ResultMapping argument = arguments.get(i);
            if (argument.getColumn() == null || argument.getNestedQueryId() != null || argument.getNestedResultMapId() != null) {
                return null;
            }
            javaTypes[i] = argument.getJavaType();
            columns[i] = argument.getColumn();
            @SuppressWarnings("unchecked")
            TypeHandler<Object> handler = (TypeHandler<Object>) argument.getTypeHandler();
            handlers[i] = handler;
        }
        try {
            Constructor<?> constructor = map.getType().getDeclaredConstructor(javaTypes);
            constructor.setAccessible(true);
            return new ConstructorReader(constructor, javaTypes, columns, handlers);
        } catch (NoSuchMethodException | RuntimeException e) {
            return null;
        }
    }

    // --------------------------------------------------------------------------------------------- calls

    private abstract class Call {
        abstract Object invoke(Statements on, Object[] args) throws SQLException;
    }

    /** A mapped statement with its SQL rendered for one call. */
    private abstract class Statement extends Call {
        final MappedStatement statement;
        final ParamNameResolver names;
        /** The statement's one SQL text when it has no dynamic parts; else null. */
        final Sql fixed;
        /** Whether calls bind straight from the method's arguments (see positionArguments). */
        final boolean positional;
        /** Dynamic SQL: the rendered texts seen so far (a statement has a few variants). */
        final ConcurrentHashMap<String, Sql> variants = new ConcurrentHashMap<>();

        Statement(MappedStatement statement, ParamNameResolver names, Method method) {
            this.statement = statement;
            this.names = names;
            if (statement.getSqlSource() instanceof RawSqlSource) {
                BoundSql bound = statement.getBoundSql(null);
                this.fixed = newSql(bound.getSql(), bound.getParameterMappings());
                boolean positioned = positionArguments(fixed, method);
                if (fixed.parts != null) {
                    for (Sql part : fixed.parts) {
                        positioned &= positionArguments(part, method);
                    }
                }
                this.positional = positioned;
            } else {
                this.fixed = null;
                this.positional = false;
            }
        }

        /**
         * For static SQL: which argument each placeholder takes, so calls bind straight from the arguments
         * instead of building MyBatis's map of named parameters, or looking a lone value's type handler up, per
         * call (a bulk write makes a call per row). Either a method with several parameters, each named by a
         * placeholder, or one with a single value (a type with a type handler, no {@code @Param}), which MyBatis
         * binds to every placeholder whatever its name. False (and nothing set) for any other shape, which keeps
         * MyBatis's binding.
         */
        private boolean positionArguments(Sql sql, Method method) {
            int parameterCount = method.getParameterCount();
            Class<?> firstType = parameterCount == 1 ? method.getParameterTypes()[0] : null;
            // not Object: MyBatis would read a property of whatever object a call passes
            boolean oneValue = firstType != null && firstType != Object.class
                    && method.getParameterAnnotations()[0].length == 0 && typeHandlers.hasTypeHandler(firstType);
            List<String> parameterNames = List.of(names.getNames());
            if (!oneValue && (parameterNames.size() < 2 || parameterNames.size() != parameterCount)) {
                return false;
            }
            int[] positions = new int[sql.parameters.size()];
            for (int i = 0; i < positions.length; i++) {
                ParameterMapping mapping = sql.parameters.get(i);
                positions[i] = oneValue ? 0 : parameterNames.indexOf(mapping.getProperty());
                if (positions[i] < 0 || mapping.getMode() == ParameterMode.OUT) {
                    return false;
                }
            }
            sql.arguments = positions;
            return true;
        }

        /** The call's SQL text and parameter object (and, for dynamic SQL, what MyBatis rendered). */
        Rendered render(Object[] args) {
            if (positional) {
                return new Rendered(fixed, null, null, args);
            }
            Object parameter = names.getNamedParams(args);
            if (fixed != null) {
                return new Rendered(fixed, parameter, null, null);
            }
            BoundSql bound = statement.getBoundSql(parameter);
            Sql sql = variants.get(bound.getSql());
            if (sql == null) {
                sql = newSql(bound.getSql(), bound.getParameterMappings());
                // a statement renders a few variants; one with a <foreach> could render many
                if (variants.size() < MAX_VARIANTS) {
                    Sql known = variants.putIfAbsent(sql.text, sql);
                    sql = known != null ? known : sql;
                }
            }
            return new Rendered(sql, parameter, bound, null);
        }

        /** Prepares {@code sql} on {@code on} and binds the call's arguments. */
        PreparedStatement prepare(Statements on, Sql sql, Rendered call) throws SQLException {
            PreparedStatement prepared = on.prepare(sql.text, queryTimeout);
            if (call.arguments != null) {
                bindArguments(prepared, 1, sql, call.arguments, 0);
            } else {
                bind(prepared, sql.parameters, call.parameter, call.bound);
            }
            return prepared;
        }

        /**
         * Binds a call's arguments by position ({@link #positionArguments}), read from {@code arguments[first]}
         * on (a call's own array, or a row of a RowWriter's), from placeholder {@code index} on; returns the
         * index after the last one bound.
         */
        int bindArguments(PreparedStatement prepared, int index, Sql sql, Object[] arguments, int first)
                throws SQLException {
            for (int i = 0; i < sql.arguments.length; i++) {
                set(prepared, index++, arguments[first + sql.arguments[i]], sql.parameters.get(i));
            }
            return index;
        }

        /** Binds as DefaultParameterHandler does. */
        private void bind(PreparedStatement prepared, List<ParameterMapping> parameters, Object parameter, BoundSql bound)
                throws SQLException {
            for (int i = 0; i < parameters.size(); i++) {
                ParameterMapping mapping = parameters.get(i);
                if (mapping.getMode() == ParameterMode.OUT) {
                    continue;
                }
                String property = mapping.getProperty();
                Object value;
                if (bound != null && bound.hasAdditionalParameter(property)) {
                    value = bound.getAdditionalParameter(property);
                } else if (parameter instanceof Map<?, ?> map) {
                    value = mapValue(map, property);
                } else {
                    value = otherValue(parameter, property);
                }
                set(prepared, i + 1, value, mapping);
            }
        }

        /** A named parameter of a method with several (MyBatis's ParamMap). */
        private Object mapValue(Map<?, ?> map, String property) {
            if (!map.containsKey(property)) {
                throw new IllegalStateException("parameter '" + property + "' not found in " + statement.getId());
            }
            return map.get(property);
        }

        /** The one parameter of a method: a value itself, or an object whose property is named. */
        private Object otherValue(Object parameter, String property) {
            if (parameter == null) {
                return null;
            }
            if (typeHandlers.hasTypeHandler(parameter.getClass())) {
                return parameter;
            }
            if (property.indexOf('.') >= 0 || property.indexOf('[') >= 0) {
                return configuration.newMetaObject(parameter).getValue(property);
            }
            // A plain property (Bulk's json, a SearchQuery's pattern): its getter, as MetaObject would find it
            // but without building one per call.
            try {
                return configuration.getReflectorFactory().findForClass(parameter.getClass())
                        .getGetInvoker(property).invoke(parameter, null);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read '" + property + "' of " + statement.getId(), e);
            }
        }

        private void set(PreparedStatement prepared, int index, Object value, ParameterMapping mapping)
                throws SQLException {
            if (value instanceof Long number) {
                prepared.setLong(index, number);
            } else if (value instanceof String text) {
                prepared.setString(index, text);
            } else if (value instanceof Integer number) {
                prepared.setInt(index, number);
            } else if (value == null) {
                JdbcType jdbcType = mapping.getJdbcType() != null ? mapping.getJdbcType() : configuration.getJdbcTypeForNull();
                prepared.setNull(index, jdbcType.TYPE_CODE);
            } else {
                @SuppressWarnings("unchecked")
                TypeHandler<Object> handler = (TypeHandler<Object>) mapping.getTypeHandler();
                handler.setParameter(prepared, index, value, mapping.getJdbcType());
            }
        }
    }

    private final class Select extends Statement {
        private final RowReader rows;
        private final boolean many;
        private final boolean primitive;

        Select(MappedStatement statement, ParamNameResolver names, Method method, RowReader rows,
               Class<?> returnType) {
            super(statement, names, method);
            this.rows = rows;
            this.many = Collection.class.isAssignableFrom(returnType);
            this.primitive = returnType.isPrimitive();
        }

        @Override
        Object invoke(Statements on, Object[] args) throws SQLException {
            Rendered call = render(args);
            PreparedStatement prepared = prepare(on, call.sql, call);
            List<Object> result = new ArrayList<>(many ? 10 : 1);
            try (ResultSet rs = prepared.executeQuery()) {
                int[] columns = rows.columns(call.sql, rs);
                while (rs.next()) {
                    result.add(rows.read(rs, columns));
                }
            }
            if (many) {
                return result;
            }
            if (result.size() > 1) {
                throw new IllegalStateException(statement.getId() + " returned " + result.size() + " rows, expected one");
            }
            if (result.isEmpty()) {
                if (primitive) {
                    throw new IllegalStateException(statement.getId() + " returned no row");
                }
                return null;
            }
            return result.get(0);
        }
    }

    private final class Update extends Statement {
        /** For a {@link MultiRowInsert}: rows per statement at most; else 0. */
        private final int rowsPerStatement;
        /** For a {@link MultiRowInsert}: the SQL up to its VALUES row, and that row. */
        private final String head;
        private final String valuesRow;
        /** For a {@link MultiRowInsert}: its texts by row count (the full count and powers of two). */
        private final ConcurrentHashMap<Integer, String> multiRowTexts;

        Update(MappedStatement statement, ParamNameResolver names, Method method) {
            super(statement, names, method);
            MultiRowInsert multiRow = method.getAnnotation(MultiRowInsert.class);
            int parameterCount = method.getParameterCount();
            if (multiRow == null) {
                this.rowsPerStatement = 0;
                this.head = null;
                this.valuesRow = null;
                this.multiRowTexts = null;
                return;
            }
            String text = fixed == null ? "" : fixed.text.strip();
            int values = text.toUpperCase(java.util.Locale.ROOT).lastIndexOf("VALUES");
            int open = text.indexOf('(', Math.max(values, 0));
            String row = open < 0 ? "" : text.substring(open);
            if (!positional || fixed.several || values < 0 || !row.endsWith(")")
                    || row.indexOf('(', 1) >= 0 || row.indexOf(')') != row.length() - 1
                    || text.substring(0, open).indexOf('?') >= 0
                    || row.chars().filter(c -> c == '?').count() != parameterCount
                    || multiRow.rows() < 1 || (long) multiRow.rows() * parameterCount > 32_766) {
                throw new IllegalStateException("@MultiRowInsert " + statement.getId() + " must be static SQL ending"
                        + " with its one VALUES row, one placeholder per parameter, at most 32,766 placeholders");
            }
            this.rowsPerStatement = multiRow.rows();
            this.head = text.substring(0, open);
            this.valuesRow = row;
            this.multiRowTexts = new ConcurrentHashMap<>();
        }

        /** Whether the insert is static SQL of one statement whose placeholder i takes parameter i. */
        boolean takesRowsInOrder() {
            if (!positional || fixed.several || fixed.parts != null) {
                return false;
            }
            for (int i = 0; i < fixed.arguments.length; i++) {
                if (fixed.arguments[i] != i) {
                    return false;
                }
            }
            return true;
        }

        /**
         * Inserts {@code rows} rows of {@code columns} values each (the method's parameters), {@code values} in
         * row order: as one JDBC batch of this insert, or for a {@link MultiRowInsert} as statements of
         * {@code rowsPerStatement} rows, the rest in power-of-two sizes (a connection prepares a few texts, not one
         * per count). Returns the rows inserted.
         */
        int insertRows(Statements on, Object[] values, int rows, int columns) throws SQLException {
            if (rowsPerStatement == 0) {
                PreparedStatement prepared = on.prepare(fixed.text, queryTimeout);
                for (int row = 0; row < rows; row++) {
                    bindArguments(prepared, 1, fixed, values, row * columns);
                    prepared.addBatch();
                }
                int inserted = 0;
                for (int count : prepared.executeBatch()) {
                    inserted += count == java.sql.Statement.SUCCESS_NO_INFO ? 1 : Math.max(0, count);
                }
                return inserted;
            }
            int inserted = 0;
            int done = 0;
            while (done < rows) {
                int left = rows - done;
                int size = left >= rowsPerStatement ? rowsPerStatement : Integer.highestOneBit(left);
                PreparedStatement prepared = on.prepare(multiRowText(size), queryTimeout);
                int index = 1;
                for (int row = done; row < done + size; row++) {
                    index = bindArguments(prepared, index, fixed, values, row * columns);
                }
                inserted += prepared.executeUpdate();
                done += size;
            }
            return inserted;
        }

        private String multiRowText(int rows) {
            String known = multiRowTexts.get(rows);
            return known != null ? known : multiRowTexts.computeIfAbsent(rows, this::newMultiRowText);
        }

        private String newMultiRowText(int rows) {
            StringBuilder text = new StringBuilder(head.length() + rows * (valuesRow.length() + 1)).append(head);
            for (int row = 0; row < rows; row++) {
                text.append(row == 0 ? "" : ",").append(valuesRow);
            }
            return text.toString();
        }

        @Override
        Object invoke(Statements on, Object[] args) throws SQLException {
            Rendered call = render(args);
            if (call.sql.parts != null) {
                int count = 0;
                for (Sql part : call.sql.parts) {
                    count = prepare(on, part, call).executeUpdate();
                }
                return count;
            }
            PreparedStatement prepared = prepare(on, call.sql, call);
            if (!call.sql.several) {
                return prepared.executeUpdate();
            }
            // several statements sent together (pgjdbc: one round trip): the row count of the last one
            int count = -1;
            boolean resultSet = prepared.execute();
            while (true) {
                if (resultSet) {
                    prepared.getResultSet().close();
                } else {
                    int updated = prepared.getUpdateCount();
                    if (updated == -1) {
                        return count;
                    }
                    count = updated;
                }
                resultSet = prepared.getMoreResults();
            }
        }
    }

    // --------------------------------------------------------------------------------------------- rows

    /**
     * A text holding several statements separated by {@code ;} (a delete with its dependent rows): pgjdbc
     * sends them together in one round trip, so they run as one text there; sqlite-jdbc runs only the first
     * statement of a text, so on SQLite they run one by one, each with its share of the parameters. The
     * library's SQL has no {@code ;} or {@code ?} inside literals.
     */
    private Sql newSql(String text, List<ParameterMapping> parameters) {
        String trimmed = text.strip();
        if (trimmed.endsWith(";")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        if (trimmed.indexOf(';') < 0) {
            return new Sql(text, List.copyOf(parameters), false, null);
        }
        if (driverRunsSeveralStatements) {
            return new Sql(trimmed, List.copyOf(parameters), true, null);
        }
        List<Sql> parts = new ArrayList<>();
        int from = 0;
        for (String part : trimmed.split(";")) {
            int markers = (int) part.chars().filter(c -> c == '?').count();
            parts.add(new Sql(part.strip(), List.copyOf(parameters.subList(from, from + markers)), false, null));
            from += markers;
        }
        return new Sql(trimmed, List.copyOf(parameters), true, List.copyOf(parts));
    }

    /** One rendered SQL text, its parameters, and (once known) the positions of the columns a reader reads. */
    static final class Sql {
        final String text;
        final List<ParameterMapping> parameters;
        /** Whether the text holds several statements. */
        final boolean several;
        /** Several statements to run one by one; null when the text runs as it is. */
        final List<Sql> parts;
        volatile int[] columns;
        /** Static SQL: the method argument each placeholder takes (see positionArguments); else null. */
        int[] arguments;

        Sql(String text, List<ParameterMapping> parameters, boolean several, List<Sql> parts) {
            this.text = text;
            this.parameters = parameters;
            this.several = several;
            this.parts = parts;
        }
    }

    /**
     * One call's SQL and parameter object; {@code bound} holds what dynamic SQL added (null for static SQL),
     * {@code arguments} the method's own arguments when they are bound by position (then no parameter object).
     */
    private record Rendered(Sql sql, Object parameter, BoundSql bound, Object[] arguments) {
    }

    private interface RowReader {
        /** The positions of this reader's columns in results of {@code sql}, resolved on its first result. */
        int[] columns(Sql sql, ResultSet rs) throws SQLException;

        Object read(ResultSet rs, int[] columns) throws SQLException;
    }

    /** One column, the first: {@code resultType="long"} and the like. */
    private static final class ScalarReader implements RowReader {
        private final Class<?> type;
        private final TypeHandler<?> handler;

        ScalarReader(Class<?> type, TypeHandler<?> handler) {
            this.type = type;
            this.handler = handler;
        }

        @Override
        public int[] columns(Sql sql, ResultSet rs) {
            return null;
        }

        @Override
        public Object read(ResultSet rs, int[] columns) throws SQLException {
            if (type == Long.class || type == long.class) {
                long value = rs.getLong(1);
                return rs.wasNull() ? null : value;
            }
            return handler.getResult(rs, 1);
        }
    }

    /** A record built from named columns through the constructor its result map names. */
    private static final class ConstructorReader implements RowReader {
        private final Constructor<?> constructor;
        private final Class<?>[] javaTypes;
        private final String[] columnNames;
        private final TypeHandler<Object>[] handlers;

        ConstructorReader(Constructor<?> constructor, Class<?>[] javaTypes, String[] columnNames,
                          TypeHandler<Object>[] handlers) {
            this.constructor = constructor;
            this.javaTypes = javaTypes;
            this.columnNames = columnNames;
            this.handlers = handlers;
        }

        @Override
        public int[] columns(Sql sql, ResultSet rs) throws SQLException {
            int[] columns = sql.columns;
            if (columns == null) {
                // a given SQL text always yields the same columns in the same order
                columns = new int[columnNames.length];
                resolve(rs, columns, 0);
                sql.columns = columns;
            }
            return columns;
        }

        /** Writes the positions of this reader's columns into {@code columns} from {@code offset}. */
        void resolve(ResultSet rs, int[] columns, int offset) throws SQLException {
            for (int i = 0; i < columnNames.length; i++) {
                columns[offset + i] = rs.findColumn(columnNames[i]);
            }
        }

        int width() {
            return columnNames.length;
        }

        @Override
        public Object read(ResultSet rs, int[] columns) throws SQLException {
            return read(rs, columns, 0, 0, 0);
        }

        /**
         * Builds a record from the columns at {@code columns[offset...]}; the column at position {@code known}
         * (0 for none) was read already as the int {@code knownValue} and is not read again.
         */
        Object read(ResultSet rs, int[] columns, int offset, int known, int knownValue) throws SQLException {
            Object[] values = new Object[columnNames.length];
            for (int i = 0; i < values.length; i++) {
                int column = columns[offset + i];
                if (column == known && javaTypes[i] == int.class) {
                    values[i] = knownValue;
                    continue;
                }
                Class<?> type = javaTypes[i];
                if (type == long.class) {
                    values[i] = rs.getLong(column);
                } else if (type == String.class) {
                    values[i] = rs.getString(column);
                } else if (type == Long.class) {
                    long value = rs.getLong(column);
                    values[i] = rs.wasNull() ? null : value;
                } else if (type == int.class) {
                    values[i] = rs.getInt(column);
                } else {
                    values[i] = handlers[i].getResult(rs, column);
                }
            }
            try {
                return constructor.newInstance(values);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw new IllegalStateException("cannot create " + constructor.getDeclaringClass().getName(), cause);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot create " + constructor.getDeclaringClass().getName(), e);
            }
        }
    }

    /** Rows of several kinds: the discriminator column's value picks the constructor reader of each row. */
    private static final class DiscriminatingReader implements RowReader {
        private final String columnName;
        private final int[] values;
        private final ConstructorReader[] readers;
        /** Where each reader's columns start in the positions array (after the discriminator's, at 0). */
        private final int[] offsets;
        private final int width;

        DiscriminatingReader(String columnName, int[] values, ConstructorReader[] readers) {
            this.columnName = columnName;
            this.values = values;
            this.readers = readers;
            this.offsets = new int[readers.length];
            int next = 1;
            for (int i = 0; i < readers.length; i++) {
                offsets[i] = next;
                next += readers[i].width();
            }
            this.width = next;
        }

        @Override
        public int[] columns(Sql sql, ResultSet rs) throws SQLException {
            int[] columns = sql.columns;
            if (columns == null) {
                columns = new int[width];
                columns[0] = rs.findColumn(columnName);
                for (int i = 0; i < readers.length; i++) {
                    readers[i].resolve(rs, columns, offsets[i]);
                }
                sql.columns = columns;
            }
            return columns;
        }

        @Override
        public Object read(ResultSet rs, int[] columns) throws SQLException {
            int value = rs.getInt(columns[0]);
            for (int i = 0; i < values.length; i++) {
                if (values[i] == value) {
                    if (value == 0 && rs.wasNull()) {
                        break;
                    }
                    return readers[i].read(rs, columns, offsets[i], columns[0], value);
                }
            }
            // MyBatis would map it with the parent result map, which has no mappings: a query that went wrong
            throw new IllegalStateException("no <case> of the discriminator on column " + columnName + " for value "
                    + (rs.wasNull() ? "NULL" : String.valueOf(value)));
        }
    }
}
