package org.elibrary.internal.mapper;

import org.elibrary.domain.CatalogCounts;

public interface CatalogMapper {
    CatalogCounts selectCounts();
}
