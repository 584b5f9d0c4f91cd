package org.elibrary;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The asynchronous API cannot drift from the synchronous one: every public method of a repository has a twin
 * of the same name and parameters on its asynchronous repository, returning {@code CompletableFuture} of the
 * boxed synchronous return type, and the asynchronous classes have nothing else.
 */
class AsyncTwinsTest {
    static List<Class<?>[]> repositories() {
        return List.of(
                new Class<?>[] {AuthorRepository.class, AsyncAuthorRepository.class},
                new Class<?>[] {BookRepository.class, AsyncBookRepository.class},
                new Class<?>[] {UserRepository.class, AsyncUserRepository.class},
                new Class<?>[] {CommentRepository.class, AsyncCommentRepository.class});
    }

    @ParameterizedTest
    @MethodSource("repositories")
    void everyRepositoryMethodHasAnAsynchronousTwin(Class<?> sync, Class<?> async) {
        Map<String, Method> syncMethods = publicMethods(sync);
        Map<String, Method> asyncMethods = publicMethods(async);

        assertThat(asyncMethods.keySet()).as("methods of %s", async.getSimpleName())
                .containsExactlyInAnyOrderElementsOf(syncMethods.keySet());
        syncMethods.forEach((signature, method) ->
                assertTwin(method, asyncMethods.get(signature)));
        assertThat(Modifier.isFinal(async.getModifiers())).isTrue();
        assertThat(async.getConstructors()).as("public constructors").isEmpty();
    }

    @Test
    void theLibraryOperationsHaveAsynchronousTwins() throws NoSuchMethodException {
        Set<String> operations = Set.of("counts", "inTransaction", "useTransaction");
        Set<String> views = Set.of("authors", "books", "users", "comments");
        for (Method method : Library.class.getMethods()) {
            if (method.getDeclaringClass() != Library.class || Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            if (operations.contains(method.getName())) {
                assertTwin(method, AsyncLibrary.class.getMethod(method.getName(), method.getParameterTypes()));
            }
            if (views.contains(method.getName())) {
                Method view = AsyncLibrary.class.getMethod(method.getName());
                assertThat(view.getReturnType().getSimpleName())
                        .isEqualTo("Async" + method.getReturnType().getSimpleName());
            }
        }
        // and the asynchronous view has nothing beyond those, its timeout and its way back to the library
        Set<String> asyncNames = publicMethods(AsyncLibrary.class).values().stream()
                .map(Method::getName).collect(Collectors.toCollection(TreeSet::new));
        Set<String> expected = new TreeSet<>(operations);
        expected.addAll(views);
        expected.addAll(Set.of("withTimeout", "timeout", "sync"));
        assertThat(asyncNames).isEqualTo(expected);
    }

    private static void assertTwin(Method sync, Method async) {
        assertThat(async).as("async twin of %s", sync).isNotNull();
        assertThat(async.getReturnType()).as("%s", async).isEqualTo(CompletableFuture.class);
        Type futureOf = ((ParameterizedType) async.getGenericReturnType()).getActualTypeArguments()[0];
        assertThat(typeName(futureOf)).as("%s returns a future of", async)
                .isEqualTo(typeName(boxed(sync.getGenericReturnType())));
        assertThat(Arrays.stream(async.getGenericParameterTypes()).map(AsyncTwinsTest::typeName).toList())
                .as("generic parameters of %s", async)
                .isEqualTo(Arrays.stream(sync.getGenericParameterTypes()).map(AsyncTwinsTest::typeName).toList());
        assertThat(async.getExceptionTypes()).isEmpty();
    }

    private static Map<String, Method> publicMethods(Class<?> type) {
        return Arrays.stream(type.getMethods())
                .filter(m -> m.getDeclaringClass() == type && !Modifier.isStatic(m.getModifiers()))
                .collect(Collectors.toMap(AsyncTwinsTest::signature, m -> m));
    }

    private static String signature(Method method) {
        return method.getName() + Arrays.stream(method.getParameterTypes()).map(Class::getName)
                .collect(Collectors.joining(",", "(", ")"));
    }

    private static Type boxed(Type type) {
        if (type instanceof Class<?> c && c.isPrimitive()) {
            return Map.<Class<?>, Class<?>>of(void.class, Void.class, long.class, Long.class, int.class, Integer.class,
                    boolean.class, Boolean.class, double.class, Double.class, short.class, Short.class,
                    byte.class, Byte.class, char.class, Character.class, float.class, Float.class).get(c);
        }
        return type;
    }

    /** Type variables compare by name (the twins declare their own {@code <T>}). */
    private static String typeName(Type type) {
        return type instanceof TypeVariable<?> variable ? "var " + variable.getName() : type.getTypeName();
    }
}
