# guichet_check_layering(): fails the configuration when a target links,
# directly or through another library, a library its role forbids
# (docs/ARCHITECTURE.md, « What may depend on what »).

# Every library a target links, followed through the libraries it links.
function(guichet_linked_closure target out)
    set(seen)
    set(queue ${target})
    while(queue)
        list(POP_FRONT queue current)
        if(NOT TARGET ${current})
            continue()
        endif()
        get_target_property(aliased ${current} ALIASED_TARGET)
        if(aliased)
            set(current ${aliased})
        endif()
        set(links)
        get_target_property(type ${current} TYPE)
        if(NOT type STREQUAL "INTERFACE_LIBRARY")
            get_target_property(direct ${current} LINK_LIBRARIES)
            if(direct)
                list(APPEND links ${direct})
            endif()
        endif()
        get_target_property(interface ${current} INTERFACE_LINK_LIBRARIES)
        if(interface)
            list(APPEND links ${interface})
        endif()
        foreach(link ${links})
            # $<LINK_ONLY:x> is how CMake records a static library's private links.
            string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" link "${link}")
            if(link MATCHES "^\\$<" OR link IN_LIST seen)
                continue()
            endif()
            list(APPEND seen ${link})
            list(APPEND queue ${link})
        endforeach()
    endwhile()
    set(${out} ${seen} PARENT_SCOPE)
endfunction()

function(guichet_forbid target)
    if(NOT TARGET ${target})
        return()
    endif()
    guichet_linked_closure(${target} linked)
    foreach(forbidden ${ARGN})
        if(forbidden IN_LIST linked)
            message(FATAL_ERROR "Layering: ${target} links ${forbidden}, which its role forbids "
                                "(docs/ARCHITECTURE.md, « What may depend on what »).")
        endif()
    endforeach()
endfunction()

function(guichet_check_layering)
    set(above_core guichet_models guichet_ui guichet_tour guichet_server Qt6::Widgets Qt6::Gui)
    guichet_forbid(guichet_kernel ${above_core} guichet_rules guichet_mailtext guichet_mailoutbox guichet_mail guichet_commands
                   guichet_sync guichet_client guichet_datagen guichet_translations
                   Qt6Keychain::Qt6Keychain CURL::libcurl Qt6::Network)
    guichet_forbid(guichet_mailtext ${above_core} guichet_rules guichet_mail CURL::libcurl Qt6Keychain::Qt6Keychain)
    guichet_forbid(guichet_mailoutbox ${above_core} guichet_rules guichet_mail CURL::libcurl
                   Qt6Keychain::Qt6Keychain)
    guichet_forbid(guichet_rules ${above_core} guichet_mailoutbox guichet_mail guichet_commands guichet_sync guichet_client
                   guichet_datagen CURL::libcurl Qt6Keychain::Qt6Keychain)
    guichet_forbid(guichet_commands ${above_core} guichet_mail guichet_client guichet_datagen
                   CURL::libcurl Qt6Keychain::Qt6Keychain)
    guichet_forbid(guichet_mail ${above_core} guichet_client guichet_datagen Qt6Keychain::Qt6Keychain)
    guichet_forbid(guichet_sync ${above_core} guichet_client guichet_mail CURL::libcurl Qt6Keychain::Qt6Keychain)
    guichet_forbid(guichet_client ${above_core} guichet_mail guichet_datagen CURL::libcurl)
    guichet_forbid(guichet_datagen ${above_core} guichet_client Qt6Keychain::Qt6Keychain)
    guichet_forbid(guichet_models guichet_ui guichet_server Qt6::Widgets guichet_mail
                   guichet_datagen CURL::libcurl)
    guichet_forbid(guichet_ui guichet_server guichet_mail guichet_datagen CURL::libcurl)
    guichet_forbid(guichet_server guichet_models guichet_ui guichet_client Qt6::Widgets Qt6::Gui
                   Qt6Keychain::Qt6Keychain guichet_datagen)
    # The shipped executables.
    guichet_forbid(guichet guichet_server guichet_mail guichet_datagen guichet_tour CURL::libcurl)
    guichet_forbid(guichetd guichet_client guichet_models guichet_ui guichet_datagen Qt6::Widgets
                   Qt6Keychain::Qt6Keychain)
    guichet_forbid(guichetctl guichet_client guichet_models guichet_ui guichet_server Qt6::Widgets
                   Qt6Keychain::Qt6Keychain)
endfunction()
