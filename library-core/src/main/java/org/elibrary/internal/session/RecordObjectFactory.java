package org.elibrary.internal.session;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.ibatis.reflection.ReflectionException;
import org.apache.ibatis.reflection.factory.DefaultObjectFactory;

/**
 * MyBatis object factory that remembers the constructor of each result record: the default one looks the
 * constructor up by reflection for every row, a measurable share of a small query's cost.
 */
final class RecordObjectFactory extends DefaultObjectFactory {
    private static final long serialVersionUID = 1L;

    private record Key(Class<?> type, List<Class<?>> argTypes) {
    }

    private final transient ConcurrentHashMap<Key, Constructor<?>> constructors = new ConcurrentHashMap<>();

    @Override
    public <T> T create(Class<T> type, List<Class<?>> constructorArgTypes, List<Object> constructorArgs) {
        if (constructorArgTypes == null || constructorArgs == null || constructorArgTypes.isEmpty()) {
            return super.create(type, constructorArgTypes, constructorArgs);
        }
        Constructor<?> constructor = constructors.computeIfAbsent(new Key(type, List.copyOf(constructorArgTypes)),
                key -> lookup(key.type(), key.argTypes()));
        try {
            return type.cast(constructor.newInstance(constructorArgs.toArray()));
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new ReflectionException("cannot create " + type.getName(), cause);
        } catch (ReflectiveOperationException e) {
            throw new ReflectionException("cannot create " + type.getName(), e);
        }
    }

    private static Constructor<?> lookup(Class<?> type, List<Class<?>> argTypes) {
        try {
            return type.getDeclaredConstructor(argTypes.toArray(new Class<?>[0]));
        } catch (NoSuchMethodException e) {
            throw new ReflectionException("no constructor " + type.getName() + argTypes, e);
        }
    }
}
